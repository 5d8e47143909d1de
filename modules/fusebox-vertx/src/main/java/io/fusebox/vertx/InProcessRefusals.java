package io.fusebox.vertx;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.protocol.CallTimeoutException;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.TooManyCallsException;

/**
 * The failures an in-process breaker answers a call with when it does not let the call run or
 * stops waiting for it: the same exceptions, codes and details a {@code FuseboxClient} decodes from
 * a breaker verticle's replies, so code handles both alike. Counts what it refuses where the core
 * would not. Runs on the breaker's context.
 */
final class InProcessRefusals {

  private final String name;
  private final BreakerConfig config;
  private final CircuitBreaker breaker;

  InProcessRefusals(String name, BreakerConfig config, CircuitBreaker breaker) {
    this.name = name;
    this.config = config;
    this.breaker = breaker;
  }

  /**
   * Open, forced open, or half-open with no probe permit left.
   *
   * @param probeIntervalMillis the active probe's interval, or 0 without one: with one, callers may
   *     come back once the next check has run
   */
  RuntimeException rejection(long probeIntervalMillis) {
    BreakerState s = breaker.state();
    if (s == BreakerState.HALF_OPEN && probeIntervalMillis == 0) {
      return new TooManyCallsException(FuseboxError.of(ErrorCode.HALF_OPEN_FULL, name, s.wireName(),
          "all " + config.recovery().permittedProbes() + " probe permits are taken"));
    }
    long retryAfter = s == BreakerState.HALF_OPEN ? probeIntervalMillis
        : Math.max(breaker.retryAfterMillis(), probeIntervalMillis);
    return new CircuitOpenException(new FuseboxError(ErrorCode.CIRCUIT_OPEN, name, s.wireName(),
        "the breaker is " + s.wireName(), retryAfter));
  }

  RuntimeException bulkheadFull() {
    breaker.countRejected();
    return new TooManyCallsException(FuseboxError.of(ErrorCode.BULKHEAD_FULL, name, breaker.state().wireName(),
        "all " + config.bulkhead().maxConcurrentCalls() + " calls in flight and " + config.bulkhead().maxWaitQueue()
            + " waiting"));
  }

  /** @param detail why the wait ended the call */
  RuntimeException timedOutWaiting(String detail) {
    breaker.countTimedOutWaiting();
    return timeout(detail);
  }

  RuntimeException timeout(String detail) {
    return new CallTimeoutException(FuseboxError.of(ErrorCode.TIMEOUT, name, breaker.state().wireName(), detail));
  }
}
