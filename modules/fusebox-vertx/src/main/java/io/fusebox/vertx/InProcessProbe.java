package io.fusebox.vertx;

import io.fusebox.core.BreakerState;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Active recovery for an in-process breaker: while it is half-open, its owner's health check runs
 * every interval as the probe call, so that no caller's call is risked on a dependency that may
 * still be down (callers are rejected meanwhile, as a breaker verticle with {@code recovery.probe}
 * does). Runs on the breaker's context.
 */
final class InProcessProbe {

  private final FuseboxBreaker breaker;
  private final Supplier<Future<?>> check;
  private final long intervalMillis;
  /** Identifies the current half-open period's loop, so that a late one stops. */
  private long generation;

  InProcessProbe(FuseboxBreaker breaker, Supplier<Future<?>> check, long intervalMillis) {
    this.breaker = breaker;
    this.check = check;
    this.intervalMillis = intervalMillis;
  }

  long intervalMillis() {
    return intervalMillis;
  }

  /** Starts a loop for a half-open period that just began; an earlier loop ends. */
  void onHalfOpen() {
    long current = ++generation;
    breaker.vertx().setTimer(1, id -> probeOnce(current));
  }

  private void probeOnce(long loop) {
    if (loop != generation || breaker.state() != BreakerState.HALF_OPEN) {
      return;
    }
    Supplier<Future<Object>> asProbe = () -> check.get().map(result -> result);
    breaker.calls().run(asProbe, Classifier.DEFAULT, breaker.callTimeoutMillis())
        .onComplete(done -> breaker.vertx().setTimer(intervalMillis, id -> probeOnce(loop)));
  }
}
