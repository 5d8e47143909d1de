package io.fusebox.breaker;

import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Throttle;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.metrics.BreakerMeters.Result;

/**
 * Where a call's outcome is told: to the breaker that judged it (the verticle's own, or a key's)
 * and to the meters together, so that the two never disagree; and, for the verticle's own
 * breaker, what its calls failed with since its last transition.
 */
final class CallOutcomes {

  private final CircuitBreaker breaker;
  private final BreakerMeters meters;
  private final ErrorClasses errors = new ErrorClasses();
  /** Null unless the throttling state is on: it weighs the verticle's own breaker's calls. */
  private Throttle throttle;

  CallOutcomes(CircuitBreaker breaker, BreakerMeters meters) {
    this.breaker = breaker;
    this.meters = meters;
  }

  /** The outcome of a call that ran, with its time from the start. */
  void ran(Call call, Result result) {
    long elapsedNanos = System.nanoTime() - call.startNanos;
    long permit = call.permit;
    CircuitBreaker judge = call.breaker;
    switch (result) {
      case SUCCESS -> judge.onSuccess(permit, elapsedNanos);
      case FAILURE -> judge.onFailure(permit, elapsedNanos);
      case TIMEOUT -> judge.onTimeout(permit, elapsedNanos);
      case IGNORED -> judge.onIgnored(permit);
      default -> throw new IllegalArgumentException("not the outcome of a call that ran: " + result);
    }
    meters.latency(elapsedNanos);
    meters.call(result);
    if (throttle != null && judge == breaker && result != Result.IGNORED) {
      throttle.record(result == Result.SUCCESS, System.nanoTime());
    }
  }

  void throttle(Throttle throttle) {
    this.throttle = throttle;
  }

  /** A call refused before its breaker was asked: by the bulkhead, or while the breaker rejects anyway. */
  void refusedUnasked(Call call) {
    call.breaker.countRejected();
    meters.call(Result.REJECTED);
  }

  /** A call its breaker refused when asked for a permit, which it counted itself. */
  void refusedByBreaker() {
    meters.call(Result.REJECTED);
  }

  /** A timeout of our own queue's making: counted, never judged against the dependency. */
  void timedOutWaiting(Call call) {
    call.breaker.countTimedOutWaiting();
    meters.call(Result.TIMEOUT);
  }

  /** Before the outcome is told: the failure that trips the breaker is part of the trip's evidence. */
  void failedWith(Call call, String kind) {
    if (call.breaker == breaker) {
      errors.count(kind);
    }
  }

  ErrorClasses errors() {
    return errors;
  }
}
