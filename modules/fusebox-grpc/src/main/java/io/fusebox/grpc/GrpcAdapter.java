package io.fusebox.grpc;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.DependencyTimeoutException;
import io.fusebox.adapter.HostAndPort;
import io.fusebox.adapter.MemberPool;
import io.fusebox.adapter.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcErrorException;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.io.IOException;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Calls a gRPC service described by a descriptor set: {@code {"method","message"}} with the JSON
 * mapping of the protobuf message; replies {@code {"message"}}, or for a server stream (one call,
 * judged by its final status) {@code {"messages":[...],"truncated"}}. UNAVAILABLE,
 * DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL and UNKNOWN are failures; INVALID_ARGUMENT,
 * NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED and FAILED_PRECONDITION are the caller's (422).
 */
final class GrpcAdapter implements DependencyAdapter {

  private static final Set<GrpcStatus> CALLERS_FAULT = EnumSet.of(GrpcStatus.INVALID_ARGUMENT, GrpcStatus.NOT_FOUND,
      GrpcStatus.ALREADY_EXISTS, GrpcStatus.PERMISSION_DENIED, GrpcStatus.FAILED_PRECONDITION, GrpcStatus.OUT_OF_RANGE,
      GrpcStatus.UNIMPLEMENTED, GrpcStatus.UNAUTHENTICATED);
  private static final Set<String> KEYS = Set.of("method", "message");
  private static final ServiceName HEALTH = ServiceName.create("grpc.health.v1", "Health");
  private static final int SERVING = 1;

  private final GrpcClient client;
  private final SocketAddress address;
  /** Several servers sharing the calls, each with its outlier detector; null for one server. */
  private final MemberPool<SocketAddress> targets;
  private final String serviceName;
  private final int maxStreamMessages;
  private final Set<String> writeMethods = new HashSet<>();
  /** Read without blocking when the verticle starts; calls wait for it. */
  private final Future<Descriptors.ServiceDescriptor> service;

  GrpcAdapter(Vertx vertx, GrpcDependency d) {
    this.client = GrpcClient.client(vertx);
    this.address = SocketAddress.inetSocketAddress(d.port(), d.host());
    if (d.targets().isEmpty()) {
      targets = null;
    } else {
      targets = new MemberPool<>(d.ejection(), System::nanoTime);
      for (String target : d.targets()) {
        HostAndPort member = HostAndPort.parse(target);
        targets.add(SocketAddress.inetSocketAddress(member.port(), member.host()), target);
      }
    }
    this.serviceName = d.service();
    this.maxStreamMessages = d.maxStreamMessages();
    writeMethods.addAll(d.writeMethods());
    this.service = vertx.fileSystem().readFile(d.descriptorSet())
        .compose(bytes -> vertx.executeBlocking(() -> warm(ServiceDescriptors.find(bytes.getBytes(), serviceName)), false));
  }

  /** Loads the JSON mapping's classes off the event loop, so that the first call is not the slow one. */
  private static Descriptors.ServiceDescriptor warm(Descriptors.ServiceDescriptor service) throws InvalidProtocolBufferException {
    for (Descriptors.MethodDescriptor m : service.getMethods()) {
      JsonFormat.printer().print(DynamicMessage.getDefaultInstance(m.getOutputType()));
      JsonFormat.parser().merge("{}", DynamicMessage.newBuilder(m.getInputType()));
    }
    return service;
  }

  /** Ready once the descriptor set is read, so that an unknown method is a 400 from the first call. */
  @Override
  public Future<Void> ready() {
    return service.mapEmpty();
  }

  @Override
  public String invalid(JsonObject op) {
    for (String key : op.fieldNames()) {
      if (!KEYS.contains(key)) {
        return "unknown key '" + key + "' (expected method, message)";
      }
    }
    if (!(op.getValue("method") instanceof String method) || method.isBlank()) {
      return "method must be the name of a method of " + serviceName;
    }
    Object message = op.getValue("message");
    if (message != null && !(message instanceof JsonObject)) {
      return "message must be a JSON object";
    }
    if (service.succeeded()) {
      Descriptors.MethodDescriptor m = service.result().findMethodByName(method);
      if (m == null) {
        return "no method " + method + " in " + serviceName;
      }
      try {
        request(m, op);
      } catch (InvalidProtocolBufferException e) {
        return "message does not fit " + m.getInputType().getFullName() + ": " + e.getMessage();
      }
    }
    return null;
  }

  @Override
  public String readKey(JsonObject op) {
    String method = op.getString("method");
    return writeMethods.contains(method) ? null : method + "\u0000" + op.getJsonObject("message", new JsonObject()).encode();
  }

  private static DynamicMessage request(Descriptors.MethodDescriptor m, JsonObject op) throws InvalidProtocolBufferException {
    DynamicMessage.Builder builder = DynamicMessage.newBuilder(m.getInputType());
    JsonFormat.parser().merge(op.getJsonObject("message", new JsonObject()).encode(), builder);
    return builder.build();
  }

  @Override
  public Future<CallResult> call(JsonObject op, long timeoutMillis, String traceparent) {
    return service.compose(s -> {
      Descriptors.MethodDescriptor m = s.findMethodByName(op.getString("method"));
      if (m == null) {
        return Future.succeededFuture(CallResult.callerError("no method " + op.getString("method") + " in " + serviceName));
      }
      DynamicMessage message;
      try {
        message = request(m, op);
      } catch (InvalidProtocolBufferException e) {
        return Future.succeededFuture(CallResult.callerError("message does not fit " + m.getInputType().getFullName()));
      }
      ServiceMethod<DynamicMessage, DynamicMessage> method = ServiceMethod.client(ServiceName.create(s.getFullName()),
          m.getName(), GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(DynamicMessage.getDefaultInstance(m.getOutputType())));
      if (targets == null) {
        return send(address, method, message, m.isServerStreaming(), timeoutMillis, traceparent);
      }
      MemberPool.Member<SocketAddress> target = targets.pick();
      return send(target.target(), method, message, m.isServerStreaming(), timeoutMillis, traceparent)
          .andThen(ar -> targets.record(target, ar.failed() || ar.result().outcome() == Outcome.FAILURE));
    });
  }

  /** With several targets: each one in or ejected, as snapshots show them. */
  @Override
  public JsonObject pool() {
    return targets == null ? null
        : new JsonObject().put("members", targets.describe()).put("panics", targets.panics());
  }

  private Future<CallResult> send(SocketAddress to, ServiceMethod<DynamicMessage, DynamicMessage> method,
      DynamicMessage message, boolean streaming, long timeoutMillis, String traceparent) {
    return client.request(to, method)
          .compose(request -> {
            request.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
            if (traceparent != null) {
              request.headers().set("traceparent", traceparent);
            }
            return request.send(message);
          })
          .compose(response -> collect(response, streaming))
          .transform(ar -> ar.succeeded() ? Future.succeededFuture(ar.result()) : classify(ar.cause(), timeoutMillis));
  }

  /** Reads the whole response; its final status decides the outcome. */
  private Future<CallResult> collect(GrpcClientResponse<DynamicMessage, DynamicMessage> response, boolean streaming) {
    Promise<CallResult> result = Promise.promise();
    JsonArray messages = new JsonArray();
    int[] received = {0};
    response.handler(msg -> {
      if (received[0]++ < maxStreamMessages) {
        messages.add(json(msg));
      }
    });
    response.exceptionHandler(result::tryFail);
    response.endHandler(v -> {
      GrpcStatus status = response.status();
      if (status != null && status != GrpcStatus.OK) {
        result.tryComplete(byStatus(status, response.statusMessage()));
      } else if (streaming) {
        result.tryComplete(CallResult.success(new JsonObject().put("messages", messages)
            .put("truncated", received[0] > maxStreamMessages)));
      } else {
        result.tryComplete(CallResult.success(new JsonObject().put("message", messages.isEmpty() ? new JsonObject() : messages.getValue(0))));
      }
    });
    return result.future();
  }

  private static Object json(DynamicMessage message) {
    try {
      return new JsonObject(JsonFormat.printer().preservingProtoFieldNames().print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a reply that cannot be printed as JSON", e);
    }
  }

  private static Future<CallResult> classify(Throwable failure, long timeoutMillis) {
    GrpcStatus status = failure instanceof GrpcErrorException e ? e.status()
        : failure instanceof InvalidStatusException e ? e.actualStatus() : null;
    if (status == null) {
      return Future.failedFuture(failure);
    }
    if (status == GrpcStatus.DEADLINE_EXCEEDED || status == GrpcStatus.CANCELLED && failure.getMessage() != null
        && failure.getMessage().contains("timeout")) {
      return Future.failedFuture(new DependencyTimeoutException("no gRPC answer within " + timeoutMillis + " ms"));
    }
    return Future.succeededFuture(byStatus(status, failure.getMessage()));
  }

  private static CallResult byStatus(GrpcStatus status, String message) {
    if (status == GrpcStatus.DEADLINE_EXCEEDED) {
      return CallResult.failure("DEADLINE_EXCEEDED" + (message == null ? "" : ": " + message));
    }
    String detail = status.name() + (message == null || message.isEmpty() ? "" : ": " + message);
    return CALLERS_FAULT.contains(status) ? CallResult.callerError(detail) : CallResult.failure(detail);
  }

  /** The standard health service's Check for the whole server: healthy when it answers SERVING. */
  @Override
  public Future<Void> probe(long timeoutMillis) {
    ServiceMethod<Buffer, Buffer> check = ServiceMethod.client(HEALTH, "Check", GrpcMessageEncoder.IDENTITY, GrpcMessageDecoder.IDENTITY);
    return client.request(targets == null ? address : targets.pick().target(), check)
        .compose(request -> {
          request.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
          return request.send(Buffer.buffer());
        })
        .compose(GrpcClientResponse::last)
        .compose(reply -> servingStatus(reply) == SERVING ? Future.succeededFuture()
            : Future.failedFuture("the health service says the server is not serving"));
  }

  /** Field 1 of grpc.health.v1.HealthCheckResponse, read without generated classes. */
  private static int servingStatus(Buffer reply) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(reply.getBytes());
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == 8) {
          return in.readEnum();
        }
        in.skipField(tag);
      }
      return 0;
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
