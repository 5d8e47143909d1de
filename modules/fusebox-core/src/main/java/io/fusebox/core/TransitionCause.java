package io.fusebox.core;

/**
 * Why a breaker changed state, for code to act on; {@link Transition#reason()} says the same for
 * people, with the numbers.
 */
public enum TransitionCause {
  /** A detector tripped a closed breaker: consecutive failures, failure rate, slow-call rate. */
  TRIPPED,
  /** An open breaker's timeout elapsed. */
  OPEN_TIMEOUT_ELAPSED,
  /** Enough probes succeeded in a row. */
  PROBES_SUCCEEDED,
  /** A probe failed, was too slow in strict mode, or its lease passed. */
  PROBE_FAILED,
  /** An administrator: force open, disable, close, reset. */
  ADMIN,
  /** The breaker's owner asked for it through {@link CircuitBreaker#transitionTo}, e.g. a cluster verdict. */
  REQUESTED
}
