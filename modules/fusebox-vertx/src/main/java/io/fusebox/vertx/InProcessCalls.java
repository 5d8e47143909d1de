package io.fusebox.vertx;

import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The call path of an in-process breaker once its bulkhead let a call through: asks the core, runs
 * the operation, and counts its outcome at once when its future is already complete (no timer, no
 * promise, the future handed back as it is) or hands it to a {@link RunningCall} otherwise. Times
 * calls with the coarse clock (1 ms), which is what latency quantiles and slow-call thresholds need.
 * Runs on the breaker's context.
 */
final class InProcessCalls {

  private final FuseboxBreaker owner;
  private final CircuitBreaker breaker;
  private final CoarseClock clock;
  private final InProcessRefusals refusals;
  private final long probeIntervalMillis;
  private long timedCalls;
  private long timedNanos;

  InProcessCalls(FuseboxBreaker owner, CircuitBreaker breaker, CoarseClock clock, InProcessRefusals refusals,
      long probeIntervalMillis) {
    this.owner = owner;
    this.breaker = breaker;
    this.clock = clock;
    this.refusals = refusals;
    this.probeIntervalMillis = probeIntervalMillis;
  }

  <T> Future<T> run(Supplier<Future<T>> operation, Classifier classifier, long timeoutMillis) {
    long permit = breaker.tryAcquire();
    if (permit == CircuitBreaker.REJECTED) {
      return Future.failedFuture(refusals.rejection(probeIntervalMillis));
    }
    long started = clock.nanos();
    Future<T> future;
    try {
      future = operation.get();
    } catch (RuntimeException e) {
      record(permit, started, null, e, classifier);
      return Future.failedFuture(e);
    }
    if (future == null) {
      NullPointerException missing = new NullPointerException("the operation of breaker " + breaker.name()
          + " returned no future");
      record(permit, started, null, missing, classifier);
      return Future.failedFuture(missing);
    }
    if (future.isComplete()) {
      record(permit, started, future.result(), future.cause(), classifier);
      return future;
    }
    return new RunningCall<>(owner, permit, started, future, classifier, timeoutMillis).answer();
  }

  /** Counts a call's outcome as the classifier says; a classifier that throws counts a failure. */
  void record(long permit, long started, Object result, Throwable failure, Classifier classifier) {
    long nanos = clock.nanos() - started;
    Outcome outcome;
    try {
      outcome = classifier.classify(result, failure);
    } catch (RuntimeException e) {
      outcome = Outcome.FAILURE;
    }
    switch (outcome) {
      case SUCCESS -> breaker.onSuccess(permit, nanos);
      case FAILURE -> breaker.onFailure(permit, nanos);
      case IGNORED -> breaker.onIgnored(permit);
      case CALLERS_FAULT -> breaker.release(permit);
    }
    timedCalls++;
    timedNanos += nanos;
  }

  void recordTimeout(long permit, long started) {
    long nanos = clock.nanos() - started;
    breaker.onTimeout(permit, nanos);
    timedCalls++;
    timedNanos += nanos;
  }

  long timedCalls() {
    return timedCalls;
  }

  long timedNanos() {
    return timedNanos;
  }
}
