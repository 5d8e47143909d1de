package io.fusebox.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.benchmarks.Brownout.Guard;
import io.fusebox.benchmarks.Brownout.Leg;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of {@link Brownout}: 8 s of half the calls failing (the throttling state's window
 * still holds the healthy seconds before for its first seconds). Its main runs the 60 s one the
 * README shows.
 */
class BrownoutTest {

  @Test
  void theThrottlingStateKeepsServingWhereClosedOpenFlipsToNothing() throws Exception {
    List<Leg> legs = Brownout.run(Duration.ofSeconds(8));
    System.out.print(Brownout.table(legs));

    Leg closedOpen = leg(legs, Guard.CLOSED_OPEN);
    assertThat(closedOpen.transitions()).as("the breaker opened").isPositive();
    for (Guard guard : new Guard[] {Guard.THROTTLING, Guard.THROTTLING_EARLY}) {
      Leg throttled = leg(legs, guard);
      assertThat(throttled.transitions()).as("%s never opened", guard).isZero();
      assertThat(throttled.success()).as("%s: calls the dependency served", guard).isGreaterThan(closedOpen.success() + 0.1);
      assertThat(throttled.load()).as("%s: some calls were spared the dependency", guard).isLessThan(1.0);
      assertThat(throttled.timeouts()).isLessThan(0.01);
      assertThat(throttled.availability()).isGreaterThan(throttled.success());
    }
  }

  private static Leg leg(List<Leg> legs, Guard guard) {
    return legs.stream().filter(l -> l.guard() == guard).findFirst().orElseThrow();
  }
}
