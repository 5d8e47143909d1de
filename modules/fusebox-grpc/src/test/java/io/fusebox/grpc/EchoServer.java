package io.fusebox.grpc;

import io.fusebox.grpc.test.EchoGrpcService;
import io.fusebox.grpc.test.EchoReply;
import io.fusebox.grpc.test.Number;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.health.HealthService;
import io.vertx.grpc.server.GrpcServer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real gRPC server for the tests, from the test's echo.proto: {@code Say} echoes (NOT_FOUND for
 * "missing", INVALID_ARGUMENT for "", INTERNAL for "crash"), {@code Count} streams 1..n, and the
 * standard health service answers SERVING.
 */
public final class EchoServer {

  private final AtomicLong calls = new AtomicLong();
  private volatile String lastTraceparent;
  private HttpServer http;

  public Future<EchoServer> start(Vertx vertx) {
    GrpcServer grpc = GrpcServer.server(vertx);
    grpc.callHandler(EchoGrpcService.Say, call -> call.handler(request -> {
      calls.incrementAndGet();
      lastTraceparent = call.headers().get("traceparent");
      switch (request.getText()) {
        case "missing" -> call.response().status(GrpcStatus.NOT_FOUND).statusMessage("no such text").end();
        case "" -> call.response().status(GrpcStatus.INVALID_ARGUMENT).statusMessage("text is empty").end();
        case "crash" -> call.response().status(GrpcStatus.INTERNAL).statusMessage("boom").end();
        default -> {
          EchoReply.Builder reply = EchoReply.newBuilder().setText(request.getText());
          for (int i = 0; i < Math.max(1, request.getTimes()); i++) {
            reply.addParts(request.getText());
          }
          call.response().end(reply.build());
        }
      }
    }));
    grpc.callHandler(EchoGrpcService.Count, call -> call.handler(request -> {
      calls.incrementAndGet();
      for (int i = 1; i <= request.getN(); i++) {
        call.response().write(Number.newBuilder().setValue(i).build());
      }
      call.response().end();
    }));
    grpc.addService(HealthService.create(vertx));
    return vertx.createHttpServer().requestHandler(grpc).listen(0, "127.0.0.1").map(server -> {
      http = server;
      return this;
    });
  }

  /** Calls of the echo service answered so far (health checks not counted). */
  public long calls() {
    return calls.get();
  }

  /** The {@code traceparent} metadata of the latest {@code Say} call, or null. */
  public String lastTraceparent() {
    return lastTraceparent;
  }

  public int port() {
    return http.actualPort();
  }
}
