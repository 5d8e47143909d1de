package io.fusebox.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  private static final long SECOND = 1_000_000_000L;

  private static int retriesAllowed(RetryBudget budget, long now, int tries) {
    int allowed = 0;
    for (int i = 0; i < tries; i++) {
      if (budget.tryRetry(now)) {
        allowed++;
      }
    }
    return allowed;
  }

  @Test
  void allowsTheRatioOfFirstAttemptsPlusTheFloor() {
    RetryBudget budget = new RetryBudget(0.1, 1, 0);
    for (int i = 0; i < 1000; i++) {
      budget.firstAttempt(0);
    }
    assertThat(retriesAllowed(budget, 0, 500)).as("a tenth of 1,000 and ten seconds of one a second").isEqualTo(110);
    assertThat(budget.exhausted()).isEqualTo(390);
    assertThat(budget.left(0)).isZero();
    assertThat(budget.ownFirsts(0)).isEqualTo(1000);
    assertThat(budget.ownRetries(0)).isEqualTo(110);
    assertThat(budget.retryAfterMillis()).as("the floor earns one a second").isEqualTo(1000);
    assertThat(new RetryBudget(0.1, 4, 0).retryAfterMillis()).isEqualTo(250);
    assertThat(new RetryBudget(0.1, 0, 0).retryAfterMillis()).isEqualTo(1000);
  }

  @Test
  void firstAttemptsAndRetriesLeaveTheWindowAfterTenSeconds() {
    RetryBudget budget = new RetryBudget(0.5, 0, 0);
    for (int i = 0; i < 100; i++) {
      budget.firstAttempt(0);
    }
    assertThat(retriesAllowed(budget, 0, 100)).isEqualTo(50);
    assertThat(retriesAllowed(budget, 9 * SECOND, 10)).as("still in the window").isZero();
    budget.firstAttempt(10 * SECOND);
    budget.firstAttempt(10 * SECOND);
    assertThat(retriesAllowed(budget, 10 * SECOND, 10)).as("the first second's counts left").isEqualTo(1);
  }

  @Test
  void otherInstancesSpendCountsUntilItIsStale() {
    RetryBudget budget = new RetryBudget(0.1, 0, 0);
    for (int i = 0; i < 100; i++) {
      budget.firstAttempt(0);
    }
    budget.heard("node-b", 100, 20, 0);
    assertThat(budget.left(0)).as("a tenth of 200 first attempts, all 20 spent by node-b").isZero();
    assertThat(budget.tryRetry(SECOND)).isFalse();
    assertThat(budget.instancesHeard(SECOND)).isEqualTo(1);
    assertThat(budget.left(RetryBudget.STALE_NANOS + SECOND)).as("node-b forgotten").isEqualTo(10);
    assertThat(budget.instancesHeard(RetryBudget.STALE_NANOS + SECOND)).isZero();
  }
}
