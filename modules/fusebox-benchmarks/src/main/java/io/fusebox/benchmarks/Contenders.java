package io.fusebox.benchmarks;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Clock;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;

/**
 * The two breakers under comparison, configured alike: a failure-rate threshold of 50% after 10
 * calls, slow calls from 5 s at 50%, over either the last 100 calls or the last 60 seconds.
 */
final class Contenders {

  static final int WINDOW_CALLS = 100;
  static final Duration WINDOW_TIME = Duration.ofSeconds(60);
  /** Long enough that an opened breaker stays open for a whole benchmark run. */
  static final Duration STAY_OPEN = Duration.ofHours(1);

  private Contenders() {
  }

  static CircuitBreaker fusebox(boolean timeWindow, Clock clock) {
    return new CircuitBreaker("bench", fuseboxConfig(timeWindow), clock);
  }

  static BreakerConfig fuseboxConfig(boolean timeWindow) {
    BreakerConfigBuilder config = BreakerConfig.builder()
        .failureRate(0.5)
        .minimumCalls(10)
        .slowCalls(Duration.ofSeconds(5), 0.5)
        .openTimeout(STAY_OPEN)
        .maxOpenTimeout(STAY_OPEN);
    if (timeWindow) {
      config.timeWindow(WINDOW_TIME);
    } else {
      config.countWindow(WINDOW_CALLS);
    }
    return config.build();
  }

  static io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j(boolean timeWindow) {
    CircuitBreakerConfig.Builder config = CircuitBreakerConfig.custom()
        .failureRateThreshold(50)
        .minimumNumberOfCalls(10)
        .slowCallDurationThreshold(Duration.ofSeconds(5))
        .slowCallRateThreshold(50)
        .waitDurationInOpenState(STAY_OPEN);
    if (timeWindow) {
      config.slidingWindow((int) WINDOW_TIME.toSeconds(), 10, SlidingWindowType.TIME_BASED);
    } else {
      config.slidingWindow(WINDOW_CALLS, 10, SlidingWindowType.COUNT_BASED);
    }
    return io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench", config.build());
  }
}
