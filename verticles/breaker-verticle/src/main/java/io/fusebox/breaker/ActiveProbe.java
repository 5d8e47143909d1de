package io.fusebox.breaker;

import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Active recovery ({@code recovery.probe}): while the breaker is half-open, the verticle checks the
 * dependency itself every {@code interval} with the adapter's cheap health check, judged like a
 * probe call, so that no caller's request is risked on a dependency that may still be down.
 */
final class ActiveProbe {

  private final Vertx vertx;
  private final CircuitBreaker breaker;
  private final DependencyAdapter adapter;
  private final long intervalMillis;
  private final long timeoutMillis;
  /** Identifies the current half-open period's loop, so that a late one stops. */
  private long generation;
  private boolean stopped;

  ActiveProbe(Vertx vertx, CircuitBreaker breaker, DependencyAdapter adapter, Duration interval, long timeoutMillis) {
    this.vertx = vertx;
    this.breaker = breaker;
    this.adapter = adapter;
    this.intervalMillis = interval.toMillis();
    this.timeoutMillis = timeoutMillis;
  }

  long intervalMillis() {
    return intervalMillis;
  }

  /** Starts a loop for a half-open period that just began; an earlier loop ends. */
  void onHalfOpen() {
    long current = ++generation;
    vertx.setTimer(1, id -> probeOnce(current));
  }

  void stop() {
    stopped = true;
  }

  private void probeOnce(long loop) {
    if (stopped || loop != generation || breaker.state() != BreakerState.HALF_OPEN) {
      return;
    }
    long permit = breaker.tryAcquire();
    if (permit == CircuitBreaker.REJECTED) {
      vertx.setTimer(intervalMillis, id -> probeOnce(loop));
      return;
    }
    long start = System.nanoTime();
    adapter.probe(timeoutMillis).onComplete(ar -> {
      long elapsed = System.nanoTime() - start;
      if (ar.succeeded()) {
        breaker.onSuccess(permit, elapsed);
      } else {
        breaker.onFailure(permit, elapsed);
      }
      vertx.setTimer(intervalMillis, id -> probeOnce(loop));
    });
  }
}
