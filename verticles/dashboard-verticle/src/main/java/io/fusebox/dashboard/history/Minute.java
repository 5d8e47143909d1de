package io.fusebox.dashboard.history;

import io.vertx.core.json.JsonObject;

/**
 * One breaker instance's minute: its calls by outcome, the rates its window showed and the latency
 * quantiles it reported at the minute's end, and how long it spent in each state.
 *
 * @param epochMinute the minute's start, in minutes since the epoch
 * @param calls success, failure, timeout, rejected, ignored, fallback, in {@link #OUTCOMES}' order
 * @param stateMillis milliseconds in each state, in {@link #STATES}' order
 */
public record Minute(int epochMinute, int[] calls, float failureRate, float slowCallRate, float p50, float p95, float p99,
    int[] stateMillis) {

  public static final String[] OUTCOMES = {"success", "failure", "timeout", "rejected", "ignored", "fallback"};
  public static final String[] STATES = {"closed", "open", "half_open", "forced_open", "disabled"};
  static final long MILLIS = 60_000;

  public long atEpochMillis() {
    return epochMinute * MILLIS;
  }

  /** A minute that says nothing a missing one would not: no call, and closed throughout. */
  boolean quiet() {
    for (int c : calls) {
      if (c != 0) {
        return false;
      }
    }
    for (int s = 1; s < stateMillis.length; s++) {
      if (stateMillis[s] != 0) {
        return false;
      }
    }
    return true;
  }

  public JsonObject toJson() {
    JsonObject counts = new JsonObject();
    for (int i = 0; i < OUTCOMES.length; i++) {
      counts.put(OUTCOMES[i], calls[i]);
    }
    JsonObject states = new JsonObject();
    for (int i = 0; i < STATES.length; i++) {
      states.put(STATES[i], stateMillis[i]);
    }
    return new JsonObject().put("at", atEpochMillis()).put("calls", counts)
        .put("failure_rate", (double) failureRate).put("slow_call_rate", (double) slowCallRate)
        .put("latency_ms", new JsonObject().put("p50", (double) p50).put("p95", (double) p95).put("p99", (double) p99))
        .put("state_ms", states);
  }

  /** @throws RuntimeException when the JSON is not a minute */
  public static Minute fromJson(JsonObject json) {
    JsonObject counts = json.getJsonObject("calls");
    int[] calls = new int[OUTCOMES.length];
    for (int i = 0; i < OUTCOMES.length; i++) {
      calls[i] = counts.getInteger(OUTCOMES[i], 0);
    }
    JsonObject states = json.getJsonObject("state_ms");
    int[] stateMillis = new int[STATES.length];
    for (int i = 0; i < STATES.length; i++) {
      stateMillis[i] = states.getInteger(STATES[i], 0);
    }
    JsonObject latency = json.getJsonObject("latency_ms");
    return new Minute((int) (json.getLong("at") / MILLIS), calls, json.getFloat("failure_rate"),
        json.getFloat("slow_call_rate"), latency.getFloat("p50"), latency.getFloat("p95"), latency.getFloat("p99"),
        stateMillis);
  }

  static int stateIndex(String wireName) {
    for (int i = 0; i < STATES.length; i++) {
      if (STATES[i].equals(wireName)) {
        return i;
      }
    }
    return 0;
  }
}
