package io.fusebox.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.benchmarks.RetryStorm.Budget;
import io.fusebox.benchmarks.RetryStorm.Leg;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of {@link RetryStorm}: a 6 s outage. Its main runs the 30 s one the README shows;
 * a short outage weighs the budget's credit from before it (a tenth of the healthy seconds' first
 * attempts, about 5% of a 6 s outage's) more, hence the looser bound here.
 */
class RetryStormTest {

  @Test
  void aBudgetKeepsTheRetriesOfAnOutageToATenthOfTheLoad() throws Exception {
    List<Leg> legs = RetryStorm.run(Duration.ofSeconds(6));
    System.out.print(RetryStorm.table(legs));

    assertThat(leg(legs, Budget.NONE).amplification()).as("no budget: every call tried three times").isGreaterThan(2.5);
    assertThat(leg(legs, Budget.BUDGET).amplification()).isBetween(1.0, 1.35);
    assertThat(leg(legs, Budget.CLUSTER_BUDGET).amplification()).as("three instances, one budget").isBetween(1.0, 1.35);
    for (Leg leg : legs) {
      assertThat(leg.recoveryMillis()).as("back after the outage: " + leg.budget()).isBetween(0L, 5_000L);
    }
  }

  private static Leg leg(List<Leg> legs, Budget budget) {
    return legs.stream().filter(l -> l.budget() == budget).findFirst().orElseThrow();
  }
}
