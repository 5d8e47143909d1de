package io.fusebox.core;

import static io.fusebox.core.Breakers.FAST;
import static io.fusebox.core.Breakers.admitted;
import static io.fusebox.core.Breakers.fail;
import static io.fusebox.core.Breakers.quiet;
import static io.fusebox.core.Breakers.succeed;
import static io.fusebox.core.Breakers.succeedSlowly;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorsTest {

  private final ManualClock clock = new ManualClock();

  private CircuitBreaker breaker(BreakerConfigBuilder config) {
    return new CircuitBreaker("orders", config.build(), clock);
  }

  @Test
  void opensAfterFiveConsecutiveFailures() {
    CircuitBreaker b = breaker(quiet().consecutiveFailures(5));
    List<Transition> transitions = Breakers.record(b);
    fail(b, 4);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(transitions).singleElement()
        .satisfies(t -> assertThat(t.reason()).isEqualTo("consecutive_failures 5>=5"));
  }

  @Test
  void successResetsTheConsecutiveRun() {
    CircuitBreaker b = breaker(quiet().consecutiveFailures(3).consecutiveFailuresNoiseAware(false));
    fail(b, 2);
    succeed(b, 1);
    fail(b, 2);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void failureRateTripsExactlyAtTheThreshold() {
    CircuitBreaker b = breaker(quiet().failureRate(0.1).minimumCalls(30).countWindow(30));
    List<Transition> transitions = Breakers.record(b);
    succeed(b, 27);
    fail(b, 2);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(transitions.get(0).reason()).isEqualTo("failure_rate 0.10>=0.10");
  }

  @Test
  void twoFailuresInThreeTripAThresholdOfTwoThirds() {
    CircuitBreaker b = breaker(quiet().failureRate(2.0 / 3).minimumCalls(3).countWindow(3));
    List<Transition> transitions = Breakers.record(b);
    fail(b, 1);
    succeed(b, 1);
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(transitions.get(0).reason()).isEqualTo("failure_rate 0.67>=0.67");
  }

  @Test
  void everyRateThresholdTripsAtExactlyThatRateAndNotBelowIt() {
    for (int calls = 1; calls <= 40; calls++) {
      for (int failures = 1; failures <= calls; failures++) {
        double threshold = (double) failures / calls;
        CircuitBreaker exact = breaker(quiet().failureRate(threshold).minimumCalls(calls).countWindow(calls));
        succeed(exact, calls - failures);
        fail(exact, failures);
        assertThat(exact.state()).as("%d of %d at threshold %s", failures, calls, threshold)
            .isEqualTo(BreakerState.OPEN);
        if (threshold < 1.0) {
          CircuitBreaker above = breaker(quiet().failureRate(Math.nextUp(threshold)).minimumCalls(calls)
              .countWindow(calls));
          succeed(above, calls - failures);
          fail(above, failures);
          assertThat(above.state()).as("%d of %d just under threshold %s", failures, calls, Math.nextUp(threshold))
              .isEqualTo(BreakerState.CLOSED);
        }
      }
    }
  }

  @Test
  void slowCallRateTripsAtExactlyItsThresholdToo() {
    CircuitBreaker b = breaker(quiet().slowCalls(Duration.ofSeconds(5), 1.0 / 3).minimumCalls(3).countWindow(3));
    succeed(b, 2);
    succeedSlowly(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void aCallExactlyAsLongAsTheSlowThresholdIsNotSlow() {
    CircuitBreaker b = breaker(quiet().slowCalls(Duration.ofMillis(100), 1.0).minimumCalls(1).countWindow(1));
    b.onSuccess(admitted(b), Duration.ofMillis(100).toNanos());
    assertThat(b.snapshot().slowCallRate()).isZero();
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    b.onSuccess(admitted(b), Duration.ofMillis(100).toNanos() + 1);
    assertThat(b.state()).as("one nanosecond more is slow").isEqualTo(BreakerState.OPEN);
  }

  @Test
  void failureRateWaitsForMinimumCalls() {
    CircuitBreaker b = breaker(quiet().failureRate(0.5).minimumCalls(10).countWindow(10));
    fail(b, 9);
    assertThat(b.state()).as("9 failures of 9 calls, below minimum_calls").isEqualTo(BreakerState.CLOSED);
    succeed(b, 1);
    assertThat(b.state()).as("the 10th call, a success, makes the window judgeable at 0.9").isEqualTo(BreakerState.OPEN);
  }

  @Test
  void countWindowForgetsOutcomesThatWrapAround() {
    CircuitBreaker b = breaker(quiet().failureRate(0.5).minimumCalls(4).countWindow(4));
    fail(b, 1);
    succeed(b, 3);
    assertThat(b.snapshot().failureRate()).isEqualTo(0.25);
    succeed(b, 1);
    assertThat(b.snapshot().failureRate()).as("the failure fell out of the window").isEqualTo(0.0);
    assertThat(b.snapshot().windowCalls()).isEqualTo(4);
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void timeWindowExpiresBucketsAsTheClockMoves() {
    CircuitBreaker b = breaker(quiet().failureRate(0.5).minimumCalls(4).timeWindow(Duration.ofSeconds(3)));
    fail(b, 3);
    clock.advance(Duration.ofSeconds(1));
    succeed(b, 1);
    assertThat(b.snapshot().windowCalls()).isEqualTo(4);
    assertThat(b.state()).as("3 of 4 failed").isEqualTo(BreakerState.OPEN);

    CircuitBreaker c = breaker(quiet().failureRate(0.5).minimumCalls(4).timeWindow(Duration.ofSeconds(3)));
    fail(c, 3);
    clock.advance(Duration.ofSeconds(3));
    assertThat(c.snapshot().windowCalls()).as("the first bucket expired after 3 s").isZero();
    succeed(c, 1);
    assertThat(c.state()).isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void timeWindowWrapsAroundItsBucketsAndSurvivesLongJumps() {
    CircuitBreaker b = breaker(quiet().failureRate(0.9).minimumCalls(1000).timeWindow(Duration.ofSeconds(3)));
    for (int second = 0; second < 10; second++) {
      succeed(b, second + 1);
      clock.advance(Duration.ofMillis(1000));
    }
    // the window is seconds 8, 9 and 10: 9 + 10 calls, and none yet in the current second
    assertThat(b.snapshot().windowCalls()).isEqualTo(9 + 10);
    clock.advance(Duration.ofHours(5));
    assertThat(b.snapshot().windowCalls()).isZero();
    succeed(b, 2);
    assertThat(b.snapshot().windowCalls()).isEqualTo(2);
  }

  @Test
  void slowCallsTripTheSlowCallRateEvenWhenTheySucceed() {
    CircuitBreaker b = breaker(quiet().slowCalls(Duration.ofSeconds(5), 0.5).minimumCalls(10).countWindow(10));
    List<Transition> transitions = Breakers.record(b);
    succeed(b, 5);
    succeedSlowly(b, 4);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    succeedSlowly(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(transitions.get(0).reason()).isEqualTo("slow_call_rate 0.50>=0.50");
  }

  @Test
  void timeoutsCountAsFailuresAndAreReportedApart() {
    CircuitBreaker b = breaker(quiet().consecutiveFailures(3));
    for (int i = 0; i < 3; i++) {
      b.onTimeout(admitted(b), Duration.ofSeconds(10).toNanos());
    }
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    BreakerSnapshot s = b.snapshot();
    assertThat(s.timeoutCalls()).isEqualTo(3);
    assertThat(s.failureCalls()).isZero();
  }

  @Test
  void ignoredOutcomesCountForNeitherSide() {
    CircuitBreaker b = breaker(quiet().consecutiveFailures(2).failureRate(0.5).minimumCalls(2).countWindow(2));
    fail(b, 1);
    for (int i = 0; i < 1000; i++) {
      b.onIgnored(admitted(b));
    }
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    BreakerSnapshot s = b.snapshot();
    assertThat(s.ignoredCalls()).isEqualTo(1000);
    assertThat(s.windowCalls()).isEqualTo(1);
    fail(b, 1);
    assertThat(b.state()).as("the ignored calls did not break the failure run").isEqualTo(BreakerState.OPEN);
  }

  @Test
  void firstDetectorToTripIsNamed() {
    CircuitBreaker b = breaker(quiet().consecutiveFailures(3).failureRate(0.5).minimumCalls(3).countWindow(3));
    List<Transition> transitions = Breakers.record(b);
    fail(b, 3);
    assertThat(transitions).hasSize(1);
    assertThat(transitions.get(0).reason()).isEqualTo("consecutive_failures 3>=3");

    CircuitBreaker c = breaker(quiet().consecutiveFailures(5).failureRate(0.5).minimumCalls(4).countWindow(4)
        .slowCalls(Duration.ofSeconds(5), 0.5));
    List<Transition> cTransitions = Breakers.record(c);
    succeedSlowly(c, 2);
    c.onFailure(admitted(c), Breakers.SLOW);
    c.onFailure(admitted(c), FAST);
    assertThat(cTransitions.get(0).reason()).as("failure_rate is judged before slow_call_rate")
        .isEqualTo("failure_rate 0.50>=0.50");
  }

  @Test
  void disabledDetectorsNeverTrip() {
    CircuitBreaker b = breaker(quiet());
    fail(b, 500);
    succeedSlowly(b, 500);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
  }
}
