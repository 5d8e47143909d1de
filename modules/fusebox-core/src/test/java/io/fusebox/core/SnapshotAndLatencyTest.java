package io.fusebox.core;

import static io.fusebox.core.Breakers.admitted;
import static io.fusebox.core.Breakers.quiet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotAndLatencyTest {

  private final ManualClock clock = new ManualClock();

  @Test
  void snapshotCountsEveryOutcome() {
    CircuitBreaker b = new CircuitBreaker("catalog", quiet().countWindow(100).build(), clock);
    Breakers.succeed(b, 6);
    Breakers.fail(b, 2);
    b.onTimeout(admitted(b), Duration.ofSeconds(10).toNanos());
    b.onIgnored(admitted(b));
    b.forceOpen();
    b.tryAcquire();
    BreakerSnapshot s = b.snapshot();
    assertThat(s.breaker()).isEqualTo("catalog");
    assertThat(s.state()).isEqualTo(BreakerState.FORCED_OPEN);
    assertThat(s.sinceEpochMillis()).isEqualTo(clock.epochMillis());
    assertThat(new long[] {s.successCalls(), s.failureCalls(), s.timeoutCalls(), s.ignoredCalls(), s.rejectedCalls()})
        .containsExactly(6, 2, 1, 1, 1);
    assertThat(s.windowCalls()).isEqualTo(9);
    assertThat(s.failureRate()).isCloseTo(3.0 / 9, within(1e-9));
    assertThat(s.slowCallRate()).isCloseTo(1.0 / 9, within(1e-9));
    assertThat(s.retryAtEpochMillis()).as("no retry while forced open").isZero();
  }

  @Test
  void theChangeMarkMovesWithEveryOutcomeTransitionAndResetButNotWithAnAdmission() {
    CircuitBreaker b = new CircuitBreaker("marks", quiet().consecutiveFailures(2).build(), clock);
    long idle = b.changeMark();
    b.tryAcquire();
    clock.advance(Duration.ofMinutes(5));
    b.tick();
    assertThat(b.changeMark()).as("an admission, time and a tick change no snapshot").isEqualTo(idle);
    Set<Long> marks = new HashSet<>(List.of(idle));
    Breakers.succeed(b, 1);
    assertThat(marks.add(b.changeMark())).as("a success").isTrue();
    Breakers.fail(b, 1);
    assertThat(marks.add(b.changeMark())).as("a failure").isTrue();
    b.onIgnored(admitted(b));
    assertThat(marks.add(b.changeMark())).as("an ignored outcome").isTrue();
    b.forceOpen();
    assertThat(marks.add(b.changeMark())).as("a transition").isTrue();
    b.tryAcquire();
    assertThat(marks.add(b.changeMark())).as("a rejection").isTrue();
    b.reset();
    assertThat(marks.add(b.changeMark())).as("a reset, though it zeroes the counts").isTrue();
    b.reset();
    assertThat(marks.add(b.changeMark())).as("a second reset of a closed breaker").isTrue();
  }

  @Test
  void openTimeoutShowsWhatTheNextOpenWouldUse() {
    CircuitBreaker b = new CircuitBreaker("timeouts", quiet().consecutiveFailures(1)
        .openTimeout(Duration.ofSeconds(10)).maxOpenTimeout(Duration.ofMinutes(10)).build(), clock);
    assertThat(b.snapshot().openTimeoutMillis()).as("closed: a trip opens for the base timeout").isEqualTo(10_000);
    Breakers.fail(b, 1);
    assertThat(b.snapshot().openTimeoutMillis()).as("open: the timeout in force").isEqualTo(10_000);
    clock.advance(Duration.ofSeconds(10));
    b.tick();
    assertThat(b.snapshot().openTimeoutMillis()).as("half-open: a failed probe backs off").isEqualTo(20_000);
    b.onFailure(admitted(b), Breakers.FAST);
    assertThat(b.snapshot().openTimeoutMillis()).isEqualTo(20_000);
    assertThat(b.retryAfterMillis()).isEqualTo(20_000);
  }

  @Test
  void quantilesLandWithinTheirBucket() {
    LatencyHistogram h = new LatencyHistogram();
    for (int ms = 1; ms <= 1000; ms++) {
      h.record(Duration.ofMillis(ms).toNanos());
    }
    assertThat(h.quantileNanos(0.50) / 1e6).isCloseTo(500, within(500 * 0.25));
    assertThat(h.quantileNanos(0.95) / 1e6).isCloseTo(950, within(950 * 0.25));
    assertThat(h.quantileNanos(0.99) / 1e6).isCloseTo(990, within(990 * 0.25));
  }

  @Test
  void bucketsCoverEveryDurationWithoutGaps() {
    for (int i = 0; i < LatencyHistogram.BUCKETS - 1; i++) {
      long lower = LatencyHistogram.lowerBound(i + 1);
      assertThat(LatencyHistogram.index(lower)).isEqualTo(i + 1);
      assertThat(LatencyHistogram.index(lower - 1)).isEqualTo(i);
    }
    assertThat(LatencyHistogram.index(0)).isZero();
    assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.BUCKETS - 1);
  }

  @Test
  void quantilesFollowRecentCallsAsCountsHalve() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 0; i < 10_000; i++) {
      h.record(Duration.ofMillis(500).toNanos());
    }
    for (int i = 0; i < 4_000; i++) {
      h.record(Duration.ofMillis(2).toNanos());
    }
    assertThat(h.total()).isLessThan(LatencyHistogram.HALVE_AT);
    assertThat(h.quantileNanos(0.5) / 1e6).as("the old slow calls have mostly decayed away").isLessThan(3);
  }

  /** The quantiles a snapshot and a trip show are the window's: calls long out of it weigh (almost) nothing. */
  @Test
  void aCountWindowsQuantilesFollowItsLastCalls() {
    CircuitBreaker b = new CircuitBreaker("catalog", quiet().countWindow(500).build(), clock);
    for (int i = 0; i < 5_000; i++) {
      b.onSuccess(b.tryAcquire(), Duration.ofMillis(500).toNanos());
    }
    for (int i = 0; i < 500; i++) {
      b.onSuccess(b.tryAcquire(), Duration.ofMillis(2).toNanos());
    }
    assertThat(b.snapshot().p50Millis()).as("a window of the last 500 calls, all fast").isLessThan(3);
    assertThat(b.snapshot().p99Millis()).as("the slow ones before it, halved away but for a trace").isGreaterThan(400);
  }

  @Test
  void aTimeWindowsQuantilesForgetCallsOlderThanTheWindow() {
    CircuitBreaker b = new CircuitBreaker("catalog", quiet().timeWindow(Duration.ofSeconds(10)).build(), clock);
    b.tick();
    for (int i = 0; i < 1_000; i++) {
      b.onSuccess(b.tryAcquire(), Duration.ofMillis(500).toNanos());
    }
    for (int second = 0; second < 30; second++) {
      clock.advance(Duration.ofSeconds(1));
      b.tick();
    }
    for (int i = 0; i < 20; i++) {
      b.onSuccess(b.tryAcquire(), Duration.ofMillis(2).toNanos());
    }
    assertThat(b.snapshot().p50Millis()).as("30 s later, six halvings: 1,000 slow calls weigh 15").isLessThan(3);
    assertThat(b.snapshot().p95Millis()).isGreaterThan(400);
  }
}
