package io.fusebox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ThrottleTest {

  private static final long SECOND = 1_000_000_000L;

  private static Throttle withFailures(double threshold, int calls, int failures) {
    Throttle throttle = new Throttle(threshold, 10, 10, 0);
    for (int i = 0; i < calls; i++) {
      throttle.record(i >= failures, 0);
    }
    return throttle;
  }

  @Test
  void refusesNothingUpToTheThresholdThenAShareThatRisesToAll() {
    assertThat(withFailures(0.2, 1000, 100).refusal(0)).as("10% failing").isZero();
    assertThat(withFailures(0.2, 1000, 200).refusal(0)).as("at the threshold").isCloseTo(0, within(0.01));
    assertThat(withFailures(0.2, 1000, 600).refusal(0)).as("60% failing: (0.6 - 0.2) / 0.8").isCloseTo(0.5, within(0.01));
    assertThat(withFailures(0.2, 1000, 1000).refusal(0)).as("all failing").isCloseTo(1.0, within(0.01));
  }

  @Test
  void waitsForTheMinimumOfCallsAndForgetsWhatLeftTheWindow() {
    assertThat(withFailures(0.2, 9, 9).refusal(0)).as("9 calls, fewer than the minimum of 10").isZero();
    Throttle throttle = withFailures(0.2, 100, 100);
    assertThat(throttle.refusal(9 * SECOND)).isGreaterThan(0.9);
    assertThat(throttle.refusal(10 * SECOND)).as("ten seconds on").isZero();
    assertThat(throttle.failureRate(10 * SECOND)).isZero();
  }
}
