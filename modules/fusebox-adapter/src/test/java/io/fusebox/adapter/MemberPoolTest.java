package io.fusebox.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The outlier detector alone, on a clock the test moves. */
class MemberPoolTest {

  private long now;
  private final MemberPool<String> pool = new MemberPool<String>(
      new MemberPool.Settings(5, Duration.ofSeconds(10), Duration.ofSeconds(25), 0.5), () -> now)
      .add("a", "a").add("b", "b").add("c", "c").add("d", "d").add("e", "e");

  /** Runs calls round robin, failing those to {@code bad} with the given pattern; calls per member. */
  private Map<String, Integer> run(int calls, String bad, int failEvery) {
    Map<String, Integer> seen = new HashMap<>();
    int toBad = 0;
    for (int i = 0; i < calls; i++) {
      MemberPool.Member<String> m = pool.pick();
      seen.merge(m.target(), 1, Integer::sum);
      boolean fails = m.target().equals(bad) && toBad++ % failEvery == 0;
      pool.record(m, fails);
    }
    return seen;
  }

  @Test
  void aMemberWhoseFailureRateStandsOutIsEjectedWithoutFiveFailuresInARow() {
    // every other call to c fails: never five in a row, but 50% against the others' 0%
    Map<String, Integer> seen = run(500, "c", 2);

    assertThat(seen.get("c")).as("calls to c: a full window of 20, then the failure that judges it").isLessThanOrEqualTo(21);
    assertThat(pool.describe().getJsonObject(2).getString("state")).isEqualTo("ejected");
  }

  @Test
  void ejectionsGrowWithEachOneUpToTheMaximumAndTheMemberComesBack() {
    run(100, "b", 1);
    assertThat(pool.describe().getJsonObject(1).getLong("back_in_ms")).isEqualTo(10_000);
    now += TimeUnit.SECONDS.toNanos(10);
    run(100, "b", 1);
    assertThat(pool.describe().getJsonObject(1).getLong("back_in_ms")).as("second ejection").isEqualTo(20_000);
    now += TimeUnit.SECONDS.toNanos(20);
    run(100, "b", 1);
    assertThat(pool.describe().getJsonObject(1).getLong("back_in_ms")).as("capped by max_ejection").isEqualTo(25_000);
    now += TimeUnit.SECONDS.toNanos(25);
    Map<String, Integer> healed = run(100, "none", 1);
    assertThat(healed.get("b")).as("back in after its ejection, healthy").isEqualTo(20);
    assertThat(pool.describe().getJsonObject(1).getString("state")).isEqualTo("in");
    assertThat(pool.describe().getJsonObject(1).getInteger("ejections")).isEqualTo(3);
  }
}
