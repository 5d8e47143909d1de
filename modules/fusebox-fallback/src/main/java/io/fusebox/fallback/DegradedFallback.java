package io.fusebox.fallback;

import io.fusebox.config.FallbackNames;
import io.fusebox.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;

/**
 * Degraded mode: either a configured degraded reply, or read-only mode, where reads go to another
 * address (a replica behind its own breaker) and writes are refused with 503 {@code read_only}.
 */
final class DegradedFallback extends Fallback {

  private final Future<FallbackReply> degradedReply;
  private final AddressFallback reads;

  /** A fixed degraded reply. */
  DegradedFallback(Set<Trigger> on, JsonObject value) {
    super(FallbackNames.DEGRADED, on);
    this.degradedReply = Future.succeededFuture(reply(value));
    this.reads = null;
  }

  /** Read-only mode. */
  DegradedFallback(Set<Trigger> on, Vertx vertx, String readAddress, Duration timeout) {
    super(FallbackNames.DEGRADED, on);
    this.degradedReply = null;
    this.reads = new AddressFallback(FallbackNames.DEGRADED, on, vertx, readAddress, timeout);
  }

  @Override
  public Future<FallbackReply> apply(FallbackRequest request) {
    if (reads == null) {
      return degradedReply;
    }
    if (request.readKey() == null) {
      return Future.failedFuture(new FallbackRefusedException(ErrorCode.READ_ONLY,
          "the service is in read-only mode: writes are refused while reads go to " + reads.address()));
    }
    return reads.apply(request);
  }
}
