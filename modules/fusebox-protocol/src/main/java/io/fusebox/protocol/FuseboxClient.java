package io.fusebox.protocol;

import io.fusebox.core.BreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * The caller's side of Fusebox: sends operations to breakers over the event bus and turns failure
 * replies into typed exceptions.
 *
 * <pre>{@code
 * FuseboxClient client = FuseboxClient.create(vertx);
 * client.http("sentinel_client").get("/alerts")
 *     .onSuccess(reply -> ... reply.body().getInteger("status") ...)
 *     .onFailure(CircuitOpenException.class, e -> ... e.retryAfter() ...);
 * }</pre>
 *
 * It keeps a mirror of every breaker's state, so {@link #state(String)} costs no round trip; with
 * {@link FuseboxClientOptions#setFailFast(boolean)} a call to a breaker whose every instance is
 * open fails at once with the same {@link CircuitOpenException}, without a message sent. In a
 * cluster, a call goes to one instance at a time and fails with {@link NodeLeftException} as soon
 * as that instance's node leaves ({@link InstanceRouter}).
 */
public final class FuseboxClient {

  private final Vertx vertx;
  private final FuseboxClientOptions options;
  private final StateMirror mirror;
  private final InstanceRouter router;

  private FuseboxClient(Vertx vertx, FuseboxClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.mirror = new StateMirror(vertx, options.mirrorTtl().toMillis());
    this.router = new InstanceRouter(vertx, mirror, false);
  }

  public static FuseboxClient create(Vertx vertx) {
    return create(vertx, new FuseboxClientOptions());
  }

  public static FuseboxClient create(Vertx vertx, FuseboxClientOptions options) {
    return new FuseboxClient(vertx, options);
  }

  /** Completes once the mirror listens to the cluster's events and snapshots, and to its departures. */
  public Future<Void> ready() {
    return Future.all(mirror.ready(), router.ready()).mapEmpty();
  }

  /** Runs one operation through a breaker; the operation's shape depends on its adapter. */
  public Future<FuseboxReply> call(String breaker, JsonObject operation) {
    return call(breaker, operation, new DeliveryOptions());
  }

  /**
   * As {@link #call(String, JsonObject)}, with headers such as {@link Headers#TIMEOUT_MS} or
   * {@link Headers#TRACEPARENT} set on {@code delivery}; its send timeout is the client's unless set.
   */
  public Future<FuseboxReply> call(String breaker, JsonObject operation, DeliveryOptions delivery) {
    if (options.failFast()) {
      long rejectingFor = mirror.rejectingForMillis(breaker);
      BreakerState state = mirror.state(breaker);
      if (rejectingFor > 0 && state != null) {
        return Future.failedFuture(new CircuitOpenException(new FuseboxError(ErrorCode.CIRCUIT_OPEN, breaker,
            state.wireName(), "rejected by the client's fail-fast mirror", rejectingFor)));
      }
    }
    if (delivery.getSendTimeout() == DeliveryOptions.DEFAULT_TIMEOUT) {
      delivery.setSendTimeout(options.sendTimeout().toMillis());
    }
    return router.<JsonObject>request(Addresses.call(breaker), operation, delivery)
        .transform(ar -> ar.succeeded()
            ? Future.succeededFuture(reply(ar.result()))
            : Future.failedFuture(decode(breaker, ar.cause())));
  }

  /** Typed calls to a breaker protecting an HTTP service. */
  public HttpCalls http(String breaker) {
    return new HttpCalls(this, breaker);
  }

  /** Typed calls to a breaker protecting a PostgreSQL database. */
  public PgCalls pg(String breaker) {
    return new PgCalls(this, breaker);
  }

  /** Typed calls to a breaker protecting a gRPC service. */
  public GrpcCalls grpc(String breaker) {
    return new GrpcCalls(this, breaker);
  }

  /** Typed calls to a breaker protecting Redis. */
  public RedisCalls redis(String breaker) {
    return new RedisCalls(this, breaker);
  }

  /** The breaker's state as last reported (the most permissive of its instances), or null if unheard. */
  public BreakerState state(String breaker) {
    return mirror.state(breaker);
  }

  public Future<Void> close() {
    return Future.all(router.close(), mirror.close()).mapEmpty();
  }

  private static FuseboxReply reply(Message<JsonObject> message) {
    return FuseboxReply.from(message.body(), message.headers());
  }

  private static Throwable decode(String breaker, Throwable failure) {
    if (!(failure instanceof ReplyException re)) {
      return failure;
    }
    return switch (re.failureType()) {
      case NO_HANDLERS -> new NoSuchBreakerException(breaker);
      case TIMEOUT -> new CallTimeoutException(FuseboxError.of(ErrorCode.TIMEOUT, breaker, null,
          "no reply within the client's send timeout"));
      case RECIPIENT_FAILURE -> FuseboxException.of(FuseboxError.parse(re.failureCode(), re.getMessage()));
      default -> new FuseboxException(FuseboxError.of(ErrorCode.INTERNAL, breaker, null, re.getMessage()));
    };
  }
}
