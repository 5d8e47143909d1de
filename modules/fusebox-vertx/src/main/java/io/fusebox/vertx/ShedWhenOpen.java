package io.fusebox.vertx;

import io.fusebox.core.BreakerState;
import io.fusebox.protocol.FuseboxClient;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * A Vert.x Web handler that sheds a route's inbound load while a breaker is open: answers 503 with
 * {@code Retry-After} (whole seconds, rounded up) and a JSON body naming the breaker, and passes
 * every other request on. The breaker is an in-process one, or any breaker of the platform by name,
 * read from a {@link FuseboxClient}'s state mirror (a field read, no message sent).
 *
 * <pre>{@code
 * router.route("/checkout/*").handler(ShedWhenOpen.of(paymentsBreaker));
 * }</pre>
 */
public final class ShedWhenOpen implements Handler<RoutingContext> {

  /** Retry-After for a breaker whose reopening time the handler cannot know (a forced open, a mirror). */
  public static final long DEFAULT_RETRY_AFTER_SECONDS = 1;

  private final String name;
  private final Supplier<BreakerState> state;
  private final Supplier<Long> retryAtEpochMillis;

  private ShedWhenOpen(String name, Supplier<BreakerState> state, Supplier<Long> retryAtEpochMillis) {
    this.name = name;
    this.state = state;
    this.retryAtEpochMillis = retryAtEpochMillis;
  }

  public static ShedWhenOpen of(FuseboxBreaker breaker) {
    return new ShedWhenOpen(breaker.name(), breaker::state, () -> breaker.snapshot().retryAtEpochMillis());
  }

  /** A breaker anywhere in the platform, as the client's mirror sees it. */
  public static ShedWhenOpen named(FuseboxClient client, String breaker) {
    return new ShedWhenOpen(breaker, () -> client.state(breaker), () -> 0L);
  }

  @Override
  public void handle(RoutingContext routing) {
    BreakerState s = state.get();
    if (s != BreakerState.OPEN && s != BreakerState.FORCED_OPEN) {
      routing.next();
      return;
    }
    long retryAt = retryAtEpochMillis.get();
    long retryAfterMillis = retryAt > 0 ? retryAt - System.currentTimeMillis() : 0;
    long seconds = retryAfterMillis > 0 ? (retryAfterMillis + 999) / 1000 : DEFAULT_RETRY_AFTER_SECONDS;
    routing.response().setStatusCode(503)
        .putHeader("Retry-After", Long.toString(seconds))
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", "circuit_open").put("breaker", name).put("state", s.wireName())
            .put("retry_after_ms", seconds * 1000).encode());
  }
}
