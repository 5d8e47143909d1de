package io.fusebox.dashboard.history;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * One breaker instance of this node: the minute under way, built from its snapshots (calls are
 * cumulative there, so a minute's are the difference; rates and latencies are the last ones heard)
 * and its transitions (which say to the millisecond when it changed state, even between two
 * snapshots), and the minutes before it.
 */
final class BreakerHistory {

  final MinuteSeries minutes;
  private final long[] heardCalls = new long[Minute.OUTCOMES.length];
  private final long[] callsAtLastClose = new long[Minute.OUTCOMES.length];
  /** This minute's calls from before a reset zeroed the counts. */
  private final long[] banked = new long[Minute.OUTCOMES.length];
  private final int[] stateMillis = new int[Minute.STATES.length];
  private float failureRate;
  private float slowCallRate;
  private float p50;
  private float p95;
  private float p99;
  /** The state it is in and since when (epoch ms); -1 until the first snapshot or transition. */
  private int state = -1;
  private long stateSince;
  /** The thresholds its rates are judged against, from its last snapshot. */
  private JsonObject thresholds;

  /** @param keptMinutes how many minutes its series keeps */
  BreakerHistory(int keptMinutes) {
    minutes = new MinuteSeries(keptMinutes);
  }

  void heard(JsonObject snapshot, long minuteStart) {
    JsonObject calls = snapshot.getJsonObject("calls");
    if (calls != null) {
      if (countsWentDown(calls)) {
        // counts that went down were reset (an admin reset, a redeploy): keep what came before
        for (int i = 0; i < heardCalls.length; i++) {
          banked[i] += Math.max(0, heardCalls[i] - callsAtLastClose[i]);
          callsAtLastClose[i] = 0;
        }
      }
      for (int i = 0; i < heardCalls.length; i++) {
        heardCalls[i] = calls.getLong(Minute.OUTCOMES[i], 0L);
      }
    }
    failureRate = snapshot.getFloat("failure_rate", 0f);
    slowCallRate = snapshot.getFloat("slow_call_rate", 0f);
    JsonObject latency = snapshot.getJsonObject("latency_ms");
    if (latency != null) {
      p50 = latency.getFloat("p50", 0f);
      p95 = latency.getFloat("p95", 0f);
      p99 = latency.getFloat("p99", 0f);
    }
    thresholds = snapshot.getJsonObject("thresholds");
    if (state == -1) {
      state = Minute.stateIndex(snapshot.getString("state"));
      stateSince = Math.max(minuteStart, snapshot.getLong("since", minuteStart));
    }
  }

  private boolean countsWentDown(JsonObject calls) {
    for (int i = 0; i < heardCalls.length; i++) {
      if (calls.getLong(Minute.OUTCOMES[i], 0L) < heardCalls[i]) {
        return true;
      }
    }
    return false;
  }

  void transition(String to, long atEpochMillis, long minuteStart) {
    if (state != -1) {
      accrue(atEpochMillis, minuteStart);
    }
    state = Minute.stateIndex(to);
    stateSince = Math.max(atEpochMillis, minuteStart);
  }

  /** Counts the time since the last change toward the state it was in, up to {@code until}. */
  private void accrue(long until, long minuteStart) {
    long from = Math.max(stateSince, minuteStart);
    if (until > from) {
      stateMillis[state] += (int) (until - from);
    }
    stateSince = Math.max(stateSince, until);
  }

  /**
   * Ends the minute that started at {@code minuteStart} at {@code end} (its end, or earlier when
   * the node stops) and starts the next one.
   *
   * @return the minute, stored; null when it was quiet, and not stored
   */
  Minute close(long minuteStart, long end) {
    if (state != -1) {
      accrue(end, minuteStart);
    }
    int[] calls = new int[heardCalls.length];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = (int) Math.min(Integer.MAX_VALUE, banked[i] + heardCalls[i] - callsAtLastClose[i]);
      callsAtLastClose[i] = heardCalls[i];
      banked[i] = 0;
    }
    Minute m = new Minute((int) (minuteStart / Minute.MILLIS), calls, failureRate, slowCallRate, p50, p95, p99,
        stateMillis.clone());
    Arrays.fill(stateMillis, 0);
    if (m.quiet()) {
      return null;
    }
    minutes.add(m);
    return m;
  }

  JsonObject thresholds() {
    return thresholds;
  }
}
