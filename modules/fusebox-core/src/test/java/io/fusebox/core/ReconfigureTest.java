package io.fusebox.core;

import static io.fusebox.core.Breakers.admitted;
import static io.fusebox.core.Breakers.fail;
import static io.fusebox.core.Breakers.quiet;
import static io.fusebox.core.Breakers.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A breaker given a new configuration keeps what it knows and judges by the new rules. */
class ReconfigureTest {

  private final ManualClock clock = new ManualClock();

  @Test
  void aCountWindowOf100With60FailuresKeepsThemWhenResizedTo200() {
    CircuitBreaker b = new CircuitBreaker("db", quiet().countWindow(100).build(), clock, 1);
    succeed(b, 40);
    fail(b, 60);
    b.reconfigure(quiet().countWindow(200).failureRate(0.5).minimumCalls(150).build());
    assertThat(b.snapshot().windowCalls()).isEqualTo(100);
    assertThat(b.snapshot().failureRate()).isEqualTo(0.6);
    assertThat(b.state()).as("60% of 100 calls: below the new minimum, nothing judged yet").isEqualTo(BreakerState.CLOSED);
    fail(b, 49);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    fail(b, 1);
    assertThat(b.state()).as("the 150th call in the window, with the 60 kept failures among them").isEqualTo(BreakerState.OPEN);
  }

  @Test
  void aSmallerCountWindowKeepsTheMostRecentOutcomes() {
    CircuitBreaker b = new CircuitBreaker("db", quiet().countWindow(100).build(), clock, 1);
    fail(b, 30);
    succeed(b, 70);
    b.reconfigure(quiet().countWindow(50).build());
    assertThat(b.snapshot().windowCalls()).isEqualTo(50);
    assertThat(b.snapshot().failureRate()).as("the newest 50 were all successes").isZero();
  }

  @Test
  void anOpenBreakerStaysOpenForItsRemainingTimeAtItsBackoffLevel() {
    CircuitBreaker b = new CircuitBreaker("db", quiet().consecutiveFailures(1).openTimeout(Duration.ofSeconds(30))
        .exponentialBackoff(true).backoffMultiplier(2).jitter(0).build(), clock, 1);
    List<Transition> transitions = Breakers.record(b);
    fail(b, 1);
    clock.advance(Duration.ofSeconds(30));
    b.onFailure(admitted(b), Breakers.FAST);
    assertThat(b.snapshot().backoffLevel()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(20));
    long remaining = b.retryAfterMillis();
    assertThat(remaining).as("backed off past the base 30 s, 20 s of it gone").isGreaterThan(10_000);
    int before = transitions.size();
    b.reconfigure(quiet().consecutiveFailures(3).openTimeout(Duration.ofSeconds(5)).build());
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.retryAfterMillis()).as("not the new 5 s").isEqualTo(remaining);
    assertThat(b.snapshot().backoffLevel()).isEqualTo(1);
    assertThat(transitions).as("no transition from a new configuration").hasSize(before);
  }

  @Test
  void aForcedModeAndTheCountsAreKept() {
    CircuitBreaker b = new CircuitBreaker("db", quiet().build(), clock, 1);
    succeed(b, 5);
    b.forceOpen();
    b.reconfigure(quiet().countWindow(10).build());
    assertThat(b.state()).isEqualTo(BreakerState.FORCED_OPEN);
    assertThat(b.snapshot().successCalls()).isEqualTo(5);
  }

  @Test
  void aRunOfConsecutiveFailuresContinuesAgainstTheNewThreshold() {
    CircuitBreaker b = new CircuitBreaker("db", quiet().consecutiveFailures(10).consecutiveFailuresNoiseAware(false)
        .build(), clock, 1);
    fail(b, 4);
    b.reconfigure(quiet().consecutiveFailures(5).consecutiveFailuresNoiseAware(false).build());
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void aTimeWindowKeepsEachSecondsOutcomesAtTheirAge() {
    CircuitBreaker b = new CircuitBreaker("db", quiet().timeWindow(Duration.ofSeconds(60)).build(), clock, 1);
    fail(b, 10);
    clock.advance(Duration.ofSeconds(20));
    succeed(b, 10);
    b.reconfigure(quiet().timeWindow(Duration.ofSeconds(30)).build());
    assertThat(b.snapshot().windowCalls()).isEqualTo(20);
    clock.advance(Duration.ofSeconds(10));
    assertThat(b.snapshot().windowCalls()).as("the failures, 30 s old now, left the 30 s window").isEqualTo(10);
    assertThat(b.snapshot().failureRate()).isZero();
  }

  @Test
  void aTimeWindowIntoACountWindowKeepsItsRates() {
    CircuitBreaker b = new CircuitBreaker("db", quiet().timeWindow(Duration.ofSeconds(10)).build(), clock, 1);
    fail(b, 40);
    succeed(b, 60);
    b.reconfigure(quiet().countWindow(50).build());
    assertThat(b.snapshot().windowCalls()).isEqualTo(50);
    assertThat(b.snapshot().failureRate()).isEqualTo(0.4);
  }

  @Test
  void theNextHalfOpenPeriodHasTheNewNumberOfProbes() {
    CircuitBreaker b = new CircuitBreaker("db", quiet().consecutiveFailures(1).permittedProbes(1)
        .openTimeout(Duration.ofSeconds(1)).jitter(0).build(), clock, 1);
    fail(b, 1);
    b.reconfigure(quiet().consecutiveFailures(1).permittedProbes(3).successThreshold(3)
        .openTimeout(Duration.ofSeconds(1)).jitter(0).build());
    clock.advance(Duration.ofSeconds(1));
    admitted(b);
    admitted(b);
    admitted(b);
    assertThat(b.tryAcquire()).isEqualTo(CircuitBreaker.REJECTED);
  }
}
