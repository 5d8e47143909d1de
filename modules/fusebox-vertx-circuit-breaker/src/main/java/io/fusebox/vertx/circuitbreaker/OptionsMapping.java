package io.fusebox.vertx.circuitbreaker;

import io.fusebox.core.BreakerConfig;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import java.time.Duration;

/**
 * {@link CircuitBreakerOptions} as a Fusebox {@link BreakerConfig} that behaves as vertx-circuit-breaker
 * does: it opens after {@code maxFailures} failures in a row (the classic rule, not the noise-aware
 * one), half-opens after {@code resetTimeout} with no backoff, and lets one probe through, whose
 * outcome closes or reopens it. Options without a counterpart are listed in docs/migrating.md.
 */
final class OptionsMapping {

  /** What stands for "never" ({@code -1}) in a timeout: longer than any process lives. */
  static final Duration NEVER = Duration.ofDays(365);
  /** vertx-circuit-breaker has no bulkhead: as good as unbounded. */
  static final int NO_BULKHEAD = 1_000_000;

  private OptionsMapping() {
  }

  static BreakerConfig config(CircuitBreakerOptions options) {
    Duration reset = options.getResetTimeout() < 0 ? NEVER : Duration.ofMillis(Math.max(1, options.getResetTimeout()));
    return BreakerConfig.builder()
        .consecutiveFailures(Math.max(1, options.getMaxFailures()))
        .consecutiveFailuresNoiseAware(false)
        .failureRateEnabled(false)
        .slowCallsEnabled(false)
        .callTimeout(options.getTimeout() < 0 ? NEVER : Duration.ofMillis(Math.max(1, options.getTimeout())))
        .openTimeout(reset)
        .maxOpenTimeout(reset)
        .exponentialBackoff(false)
        .permittedProbes(1)
        .successThreshold(1)
        .maxConcurrentCalls(NO_BULKHEAD)
        .maxWaitQueue(0)
        .build();
  }
}
