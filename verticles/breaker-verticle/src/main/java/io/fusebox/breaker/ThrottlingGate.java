package io.fusebox.breaker;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Throttle;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The throttling state of a breaker verticle's own breaker ({@code overload.throttling}): while the
 * breaker is closed, refuses calls by chance as its {@link Throttle} says. Owned by the verticle's
 * event loop.
 */
final class ThrottlingGate {

  /** A refused caller comes back after this: the throttle's counts move by the second. */
  static final long RETRY_AFTER_MILLIS = 1_000;

  private final BreakerConfig.Throttling config;
  private final Throttle throttle;
  private final CircuitBreaker breaker;

  private ThrottlingGate(BreakerConfig.Throttling config, int minimumCalls, CircuitBreaker breaker) {
    this.config = config;
    this.throttle = new Throttle(config.threshold(), minimumCalls, (int) config.window().toSeconds(), System.nanoTime());
    this.breaker = breaker;
  }

  /**
   * The gate for a configuration: none when throttling is off or the breaker is a keyed family
   * (whose keys judge themselves); the current one, with what it counted, when its settings stay.
   */
  static ThrottlingGate of(BreakerConfig next, ThrottlingGate current, CircuitBreaker breaker, boolean keyed) {
    BreakerConfig.Throttling wanted = next.overload().throttling();
    if (!wanted.enabled() || keyed) {
      return null;
    }
    return current != null && current.config.equals(wanted) ? current
        : new ThrottlingGate(wanted, next.failureRate().minimumCalls(), breaker);
  }

  Throttle throttle() {
    return throttle;
  }

  /** Whether this call is refused: only while the breaker is closed, by chance. */
  boolean refuses(long now) {
    return breaker.state() == BreakerState.CLOSED && ThreadLocalRandom.current().nextDouble() < throttle.refusal(now);
  }

  /** What a refused call is told. */
  String why(long now) {
    return String.format(Locale.ROOT,
        "the dependency failed %.0f%% of the calls of the last %ds: %.0f%% of calls are refused to spare it",
        100 * throttle.failureRate(now), config.window().toSeconds(), 100 * throttle.refusal(now));
  }

  /** The snapshot's {@code throttling}. */
  JsonObject figures(long now) {
    double refusal = breaker.state() == BreakerState.CLOSED ? throttle.refusal(now) : 0;
    return new JsonObject().put("active", refusal > 0).put("refused_share", refusal)
        .put("failure_rate", throttle.failureRate(now)).put("threshold", config.threshold());
  }
}
