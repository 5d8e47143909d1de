package io.fusebox.dashboard.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A breaker's minutes, made from what its snapshots and transitions say. */
class BreakerHistoryTest {

  private static final long T0 = 1_796_000_000_000L - 1_796_000_000_000L % 60_000;

  private static JsonObject snapshot(String state, long since, int success, int failure, double failureRate) {
    return new JsonObject().put("breaker", "orders").put("node", "n").put("state", state).put("since", since)
        .put("calls", new JsonObject().put("success", success).put("failure", failure).put("timeout", 0)
            .put("rejected", 0).put("ignored", 0).put("fallback", 0))
        .put("failure_rate", failureRate).put("slow_call_rate", 0.0)
        .put("latency_ms", new JsonObject().put("p50", 4.0).put("p95", 9.0).put("p99", 20.0))
        .put("thresholds", new JsonObject().put("failure_rate", 0.5));
  }

  @Test
  void aMinutesCallsAreTheDifferenceOfTheCumulativeCountsAndItsStateTimesAreToTheMillisecond() {
    BreakerHistory h = new BreakerHistory(MinuteSeries.DAY);
    h.heard(snapshot("closed", T0 - 3_600_000, 10, 0, 0.0), T0);
    h.heard(snapshot("closed", T0 - 3_600_000, 40, 25, 0.38), T0);
    h.transition("open", T0 + 20_000, T0);
    h.transition("half_open", T0 + 50_000, T0);
    Minute first = h.close(T0, T0 + 60_000);
    assertThat(first.calls()).containsExactly(40, 25, 0, 0, 0, 0);
    assertThat(first.stateMillis()).containsExactly(20_000, 30_000, 10_000, 0, 0);
    assertThat(first.failureRate()).isEqualTo(0.38f);
    assertThat(first.p99()).isEqualTo(20f);

    h.heard(snapshot("half_open", T0 + 50_000, 45, 25, 0.0), T0 + 60_000);
    h.transition("closed", T0 + 61_000, T0 + 60_000);
    Minute second = h.close(T0 + 60_000, T0 + 120_000);
    assertThat(second.calls()).containsExactly(5, 0, 0, 0, 0, 0);
    assertThat(second.stateMillis()).containsExactly(59_000, 0, 1_000, 0, 0);

    assertThat(h.close(T0 + 120_000, T0 + 180_000)).as("no call and closed throughout: not kept").isNull();
    assertThat(h.minutes.between(0, Long.MAX_VALUE)).extracting(Minute::epochMinute)
        .containsExactly((int) (T0 / 60_000), (int) (T0 / 60_000) + 1);
  }

  @Test
  void aResetMidMinuteLosesNoneOfTheMinutesCalls() {
    BreakerHistory h = new BreakerHistory(MinuteSeries.DAY);
    h.heard(snapshot("closed", T0, 100, 0, 0.0), T0);
    h.close(T0, T0 + 60_000);
    h.heard(snapshot("closed", T0, 130, 2, 0.0), T0 + 60_000);
    // an admin reset zeroes the counts; 7 more calls after it
    h.heard(snapshot("closed", T0, 0, 0, 0.0), T0 + 60_000);
    h.heard(snapshot("closed", T0, 7, 0, 0.0), T0 + 60_000);
    assertThat(h.close(T0 + 60_000, T0 + 120_000).calls()).startsWith(37, 2);
    h.heard(snapshot("closed", T0, 9, 0, 0.0), T0 + 120_000);
    assertThat(h.close(T0 + 120_000, T0 + 180_000).calls()).startsWith(2, 0);
  }

  @Test
  void aForcedOpenBreakerWithoutCallsIsKeptForItsState() {
    BreakerHistory h = new BreakerHistory(MinuteSeries.DAY);
    h.heard(snapshot("forced_open", T0 - 5_000, 0, 0, 0.0), T0);
    Minute m = h.close(T0, T0 + 60_000);
    assertThat(m).isNotNull();
    assertThat(m.stateMillis()[3]).isEqualTo(60_000);
  }

  @Test
  void aDayIsKeptAndNoMoreAndASecondPartOfAMinuteIsAddedToIt() {
    MinuteSeries series = new MinuteSeries(MinuteSeries.DAY);
    int start = (int) (T0 / 60_000);
    for (int i = 0; i < MinuteSeries.DAY + 100; i++) {
      series.add(new Minute(start + i, new int[] {1, 0, 0, 0, 0, 0}, 0f, 0f, 1f, 2f, 3f, new int[] {60_000, 0, 0, 0, 0}));
    }
    assertThat(series.size()).isEqualTo(MinuteSeries.DAY);
    List<Minute> all = series.between(0, Long.MAX_VALUE);
    assertThat(all.get(0).epochMinute()).isEqualTo(start + 100);
    int last = start + MinuteSeries.DAY + 99;
    series.add(new Minute(last, new int[] {2, 1, 0, 0, 0, 0}, 0.3f, 0f, 1f, 2f, 3f, new int[] {0, 0, 0, 5_000, 0}));
    Minute merged = series.between(last, last).get(0);
    assertThat(merged.calls()).containsExactly(3, 1, 0, 0, 0, 0);
    assertThat(merged.stateMillis()).containsExactly(60_000, 0, 0, 5_000, 0);
    assertThat(series.size()).isEqualTo(MinuteSeries.DAY);
  }

  @Test
  void aShorterRetentionKeepsThatManyMinutes() {
    MinuteSeries series = new MinuteSeries(60);
    int start = (int) (T0 / 60_000);
    for (int i = 0; i < 90; i++) {
      series.add(new Minute(start + i, new int[] {1, 0, 0, 0, 0, 0}, 0f, 0f, 1f, 2f, 3f, new int[] {60_000, 0, 0, 0, 0}));
    }
    assertThat(series.between(0, Long.MAX_VALUE)).extracting(Minute::epochMinute).hasSize(60)
        .startsWith(start + 30).endsWith(start + 89);
  }

  @Test
  void aMinuteRoundTripsThroughJson() {
    Minute m = new Minute(29_933_333, new int[] {1, 2, 3, 4, 5, 6}, 0.25f, 0.5f, 1.5f, 2.5f, 3.5f,
        new int[] {10, 20, 30, 40, 50});
    Minute back = Minute.fromJson(m.toJson());
    assertThat(back.epochMinute()).isEqualTo(m.epochMinute());
    assertThat(back.calls()).containsExactly(m.calls());
    assertThat(back.stateMillis()).containsExactly(m.stateMillis());
    assertThat(back.p95()).isEqualTo(2.5f);
  }
}
