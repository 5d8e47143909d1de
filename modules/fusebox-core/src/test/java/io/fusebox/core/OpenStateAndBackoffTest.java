package io.fusebox.core;

import static io.fusebox.core.Breakers.admitted;
import static io.fusebox.core.Breakers.fail;
import static io.fusebox.core.Breakers.quiet;
import static io.fusebox.core.Breakers.succeed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenStateAndBackoffTest {

  private final ManualClock clock = new ManualClock();

  private CircuitBreaker openBreaker(BreakerConfigBuilder config) {
    CircuitBreaker b = new CircuitBreaker("payments", config.consecutiveFailures(1).build(), clock, 42);
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    return b;
  }

  /** From open: wait out the timeout, take one probe and fail it. */
  private void failOneProbe(CircuitBreaker b) {
    clock.advanceNanos(b.retryAfterMillis() * 1_000_000);
    b.onFailure(admitted(b), Breakers.FAST);
  }

  @Test
  void rejectsWhileOpenAndSaysWhenToRetry() {
    CircuitBreaker b = openBreaker(quiet().openTimeout(Duration.ofSeconds(30)));
    assertThat(b.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED);
    assertThat(b.retryAfterMillis()).isEqualTo(30_000);
    clock.advance(Duration.ofMillis(29_999));
    assertThat(b.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED);
    assertThat(b.retryAfterMillis()).isEqualTo(1);
    assertThat(b.snapshot().rejectedCalls()).isEqualTo(2);
    assertThat(b.snapshot().retryAtEpochMillis()).isEqualTo(clock.epochMillis() + 1);
  }

  @Test
  void goesHalfOpenOnTheFirstCallAfterTheOpenTimeout() {
    CircuitBreaker b = openBreaker(quiet().openTimeout(Duration.ofSeconds(30)));
    List<Transition> transitions = Breakers.record(b);
    clock.advance(Duration.ofSeconds(30));
    assertThat(b.tryAcquire()).isNotEqualTo(CircuitBreaker.REJECTED);
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(transitions).singleElement().satisfies(t -> {
      assertThat(t.from()).isEqualTo(BreakerState.OPEN);
      assertThat(t.reason()).isEqualTo("open_timeout_elapsed");
    });
  }

  @Test
  void tickMovesAnIdleBreakerToHalfOpen() {
    CircuitBreaker b = openBreaker(quiet().openTimeout(Duration.ofSeconds(5)));
    clock.advance(Duration.ofSeconds(4));
    b.tick();
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    clock.advance(Duration.ofSeconds(1));
    b.tick();
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);
  }

  @Test
  void backoffDoublesAtEachReopenUpToTheCap() {
    CircuitBreaker b = openBreaker(quiet().openTimeout(Duration.ofSeconds(10)).backoffMultiplier(2.0)
        .maxOpenTimeout(Duration.ofSeconds(45)));
    assertThat(b.snapshot().openTimeoutMillis()).isEqualTo(10_000);
    long[] expected = {20_000, 40_000, 45_000, 45_000};
    for (int level = 1; level <= expected.length; level++) {
      failOneProbe(b);
      BreakerSnapshot s = b.snapshot();
      assertThat(s.state()).isEqualTo(BreakerState.OPEN);
      assertThat(s.backoffLevel()).isEqualTo(level);
      assertThat(s.openTimeoutMillis()).isEqualTo(expected[level - 1]);
      assertThat(b.retryAfterMillis()).isEqualTo(expected[level - 1]);
    }
  }

  @Test
  void backoffStaysFlatWhenDisabled() {
    CircuitBreaker b = openBreaker(quiet().openTimeout(Duration.ofSeconds(10)).exponentialBackoff(false));
    failOneProbe(b);
    failOneProbe(b);
    assertThat(b.snapshot().openTimeoutMillis()).isEqualTo(10_000);
    assertThat(b.snapshot().backoffLevel()).isEqualTo(2);
  }

  @Test
  void closeResetsTheBackoffLevel() {
    CircuitBreaker b = openBreaker(quiet().openTimeout(Duration.ofSeconds(10)).successThreshold(1));
    failOneProbe(b);
    failOneProbe(b);
    assertThat(b.snapshot().openTimeoutMillis()).isEqualTo(40_000);
    clock.advance(Duration.ofSeconds(40));
    succeed(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.snapshot().backoffLevel()).isZero();
    fail(b, 1);
    assertThat(b.snapshot().openTimeoutMillis()).isEqualTo(10_000);
  }

  @Test
  void jitterSpreadsTimeoutsWithinItsBoundsAndUnderTheCap() {
    double min = Double.MAX_VALUE;
    double max = 0;
    for (long seed = 1; seed <= 2000; seed++) {
      CircuitBreaker b = new CircuitBreaker("j", quiet().consecutiveFailures(1).openTimeout(Duration.ofSeconds(10))
          .maxOpenTimeout(Duration.ofSeconds(11)).jitter(0.5).build(), clock, seed);
      fail(b, 1);
      long timeout = b.snapshot().openTimeoutMillis();
      assertThat(timeout).isBetween(5_000L, 11_000L);
      min = Math.min(min, timeout);
      max = Math.max(max, timeout);
    }
    assertThat(min).as("the spread reaches down to -50%").isCloseTo(5_000, within(200.0));
    assertThat(max).as("the cap holds above +10%").isEqualTo(11_000);
  }

  @Test
  void zeroJitterGivesExactTimeouts() {
    for (long seed = 1; seed <= 50; seed++) {
      CircuitBreaker b = new CircuitBreaker("j", quiet().consecutiveFailures(1).openTimeout(Duration.ofSeconds(7))
          .build(), clock, seed);
      fail(b, 1);
      assertThat(b.snapshot().openTimeoutMillis()).isEqualTo(7_000);
    }
  }
}
