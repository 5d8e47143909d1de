package io.fusebox.fallback;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;

/**
 * Sends the same operation to another event-bus address, typically a second breaker in front of a
 * replica, within its own timeout and the caller's remaining time, whichever is shorter.
 */
final class AddressFallback extends Fallback {

  /** The longest the other address may take. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final String address;
  private final long timeoutMillis;

  AddressFallback(String type, Set<Trigger> on, Vertx vertx, String address, Duration timeout) {
    super(type, on);
    this.vertx = vertx;
    this.address = address;
    this.timeoutMillis = timeout.toMillis();
  }

  @Override
  public Future<FallbackReply> apply(FallbackRequest request) {
    long budget = request.trigger() == Trigger.TIMEOUT ? timeoutMillis : Math.min(timeoutMillis, request.budgetMillis());
    if (budget <= 0) {
      return Future.failedFuture("no time left before the deadline");
    }
    return vertx.eventBus().<Object>request(address, request.operation(), new DeliveryOptions().setSendTimeout(budget))
        .compose(m -> m.body() instanceof JsonObject body
            ? Future.succeededFuture(reply(body))
            : Future.failedFuture(address + " answered something other than a JSON object"));
  }

  String address() {
    return address;
  }
}
