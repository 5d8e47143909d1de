package io.fusebox.core;

import static io.fusebox.core.Breakers.admitted;
import static io.fusebox.core.Breakers.fail;
import static io.fusebox.core.Breakers.quiet;
import static io.fusebox.core.Breakers.succeed;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The consecutive-failure rule asks for a run that the window's own noise would not make by chance. */
class NoiseAwareRunTest {

  private final ManualClock clock = new ManualClock();

  /** 1,000 calls with 20 scattered failures: a 2% noise floor. */
  private static void twoPercentNoise(CircuitBreaker b) {
    for (int i = 0; i < 20; i++) {
      fail(b, 1);
      succeed(b, 49);
    }
  }

  @Test
  void aRunOfTheThresholdDoesNotTripWhenTheWindowIsNoisy() {
    CircuitBreaker b = new CircuitBreaker("orders", quiet().consecutiveFailures(3).countWindow(1000).build(), clock);
    List<Transition> transitions = Breakers.record(b);
    twoPercentNoise(b);
    fail(b, 4);
    assertThat(b.state()).as("4 in a row happen by chance at 2%% over 1,000 calls").isEqualTo(BreakerState.CLOSED);
    // ceil(log(1e-5 / 1000) / log(20 / 1000)) = 5
    fail(b, 1);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
    assertThat(transitions).singleElement().satisfies(t -> assertThat(t.reason())
        .isEqualTo("consecutive_failures 5>=5 (threshold 3, raised over the window's noise)"));
  }

  @Test
  void aCleanWindowTripsAtTheThreshold() {
    CircuitBreaker b = new CircuitBreaker("orders", quiet().consecutiveFailures(3).countWindow(1000).build(), clock);
    succeed(b, 1000);
    fail(b, 3);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void theClassicRuleTripsAtTheThresholdWhateverTheNoise() {
    CircuitBreaker b = new CircuitBreaker("orders",
        quiet().consecutiveFailures(3).consecutiveFailuresNoiseAware(false).countWindow(1000).build(), clock);
    twoPercentNoise(b);
    fail(b, 3);
    assertThat(b.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void theRaiseIsBoundedSoAVeryNoisyWindowStillTrips() {
    CircuitBreaker b = new CircuitBreaker("orders", quiet().consecutiveFailures(3).countWindow(100).build(), clock);
    for (int i = 0; i < 45; i++) {
      fail(b, 1);
      succeed(b, 1);
    }
    fail(b, 11);
    assertThat(b.state()).isEqualTo(BreakerState.CLOSED);
    fail(b, 1);
    assertThat(b.state()).as("four times the threshold always trips").isEqualTo(BreakerState.OPEN);
  }

  /**
   * The defect the reliability suite measured: the aggressive preset at 1,000 calls/s and 2% random
   * errors. Over 200,000 calls in simulated time the classic rule trips; the noise-aware one does not.
   */
  @Test
  void theAggressivePresetHoldsOnTwoPercentNoiseAtAThousandCallsASecond() {
    assertThat(tripsUnderNoise(Presets.get(Presets.AGGRESSIVE))).isZero();
    assertThat(tripsUnderNoise(Presets.get(Presets.AGGRESSIVE).toBuilder().consecutiveFailuresNoiseAware(false).build()))
        .isPositive();
  }

  /**
   * A fresh window (a start, a reset) on 2% noise: with {@code minimum_calls: 5} the aggressive
   * preset's 25% rate rule tripped on 2 failures among the first 8 calls, about one start in a
   * hundred (the reliability suite's short run caught it); with 20 calls it takes 5 of the first 20,
   * and what trips is left to chance's rarer runs (8 starts in 20,000 with this seed).
   */
  @Test
  void theAggressivePresetHoldsOnNoiseFromAFreshWindow() {
    BreakerConfig aggressive = Presets.get(Presets.AGGRESSIVE);
    assertThat(tripsOnFreshWindows(aggressive)).as("trips in 20,000 starts (the seed's target: under 0.1%)")
        .isLessThanOrEqualTo(20);
    assertThat(tripsOnFreshWindows(aggressive.toBuilder().minimumCalls(5).build())).as("with minimum_calls 5")
        .isGreaterThan(100);
  }

  private int tripsOnFreshWindows(BreakerConfig config) {
    SplittableRandom random = new SplittableRandom(11);
    int trips = 0;
    for (int start = 0; start < 20_000; start++) {
      CircuitBreaker b = new CircuitBreaker("orders", config, clock);
      for (int call = 0; call < 60 && b.state() == BreakerState.CLOSED; call++) {
        clock.advance(Duration.ofMillis(50));
        record(b, random.nextDouble() < 0.02);
      }
      if (b.state() == BreakerState.OPEN) {
        trips++;
      }
    }
    return trips;
  }

  @Test
  void aHardOutageStillTripsWithinAFewCallsAfterNoise() {
    CircuitBreaker b = new CircuitBreaker("orders", Presets.get(Presets.AGGRESSIVE), clock);
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 30_000; i++) {
      clock.advance(Duration.ofMillis(1));
      record(b, random.nextDouble() < 0.02);
    }
    int calls = 0;
    while (b.state() == BreakerState.CLOSED) {
      clock.advance(Duration.ofMillis(1));
      record(b, true);
      calls++;
    }
    assertThat(calls).as("failed calls before the trip").isBetween(3, 12);
  }

  private int tripsUnderNoise(BreakerConfig config) {
    CircuitBreaker b = new CircuitBreaker("orders", config, clock);
    int trips = 0;
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < 200_000; i++) {
      clock.advance(Duration.ofMillis(1));
      record(b, random.nextDouble() < 0.02);
      if (b.state() == BreakerState.OPEN) {
        trips++;
        b.reset();
      }
    }
    return trips;
  }

  private static void record(CircuitBreaker b, boolean failure) {
    long permit = admitted(b);
    if (failure) {
      b.onFailure(permit, 5_000_000);
    } else {
      b.onSuccess(permit, 5_000_000);
    }
  }
}
