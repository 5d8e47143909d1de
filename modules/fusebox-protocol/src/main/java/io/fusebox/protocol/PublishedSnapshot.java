package io.fusebox.protocol;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A breaker instance's snapshot as published on {@code fusebox.snapshots}. The JSON shape lives
 * here and nowhere else: the breaker builds its snapshot with {@link #toJson()}, and the readers
 * (the dashboard, the REST API, the client's state mirror, peers' cluster verdicts) read it back
 * with {@link #fromJson(JsonObject)} instead of picking keys themselves. The probes in flight are
 * not published (they are the breaker's own business), so they read back as 0.
 *
 * @param core the core breaker's own figures
 * @param node the node the breaker runs on, so that a cluster's instances never overwrite each other
 * @param kind {@link #VERTICLE} for a breaker verticle, {@link #IN_PROCESS} for a breaker that Vert.x
 *     code holds itself (fusebox-vertx)
 * @param dependency the dependency type, e.g. {@code http}
 * @param fallback the fallback chain and what it answered
 * @param thresholds what the rates are judged against
 * @param verdict this instance's own cluster verdict, {@code open} or {@code closed}; null (and left
 *     out of the JSON) when the breaker has no cluster verdict
 */
public record PublishedSnapshot(BreakerSnapshot core, String node, String kind, String dependency, Fallback fallback,
    Thresholds thresholds, String verdict) {

  /** A breaker verticle, reached at {@code fusebox.call.<breaker>}. */
  public static final String VERTICLE = "verticle";
  /** A breaker held by Vert.x code in its own process, with no call address. */
  public static final String IN_PROCESS = "in_process";

  /**
   * @param enabled the runtime switch ({@code fallback_on} / {@code fallback_off})
   * @param types the configured chain, in order
   * @param executions answers given per fallback type
   * @param calls answers given by any fallback
   */
  public record Fallback(boolean enabled, List<String> types, Map<String, Long> executions, long calls) {

    public Fallback {
      types = List.copyOf(types);
      executions = new LinkedHashMap<>(executions);
    }

    /** Whether a rejected call would be answered by a fallback rather than fail. */
    public boolean answers() {
      return enabled && !types.isEmpty();
    }
  }

  /** @param failureRate null when the failure-rate detector is off; likewise {@code slowCallRate} */
  public record Thresholds(Double failureRate, Double slowCallRate, int minimumCalls) {

    /** What a breaker with this configuration judges its rates against. */
    public static Thresholds of(BreakerConfig config) {
      return new Thresholds(config.failureRate().enabled() ? config.failureRate().threshold() : null,
          config.slowCalls().enabled() ? config.slowCalls().rateThreshold() : null, config.failureRate().minimumCalls());
    }
  }

  public String breaker() {
    return core.breaker();
  }

  public BreakerState state() {
    return core.state();
  }

  /** Whether this instance says the cluster should hold the breaker open. */
  public boolean verdictOpen() {
    return "open".equals(verdict);
  }

  public JsonObject toJson() {
    BreakerSnapshot s = core;
    JsonObject json = new JsonObject()
        .put("breaker", s.breaker())
        .put("node", node)
        .put("kind", kind)
        .put("dependency", dependency)
        .put("state", s.state().wireName())
        .put("since", s.sinceEpochMillis())
        .put("calls", new JsonObject()
            .put("success", s.successCalls())
            .put("failure", s.failureCalls())
            .put("ignored", s.ignoredCalls())
            .put("rejected", s.rejectedCalls())
            .put("timeout", s.timeoutCalls())
            .put("fallback", fallback.calls()))
        .put("failure_rate", s.failureRate())
        .put("slow_call_rate", s.slowCallRate())
        .put("window_calls", s.windowCalls())
        .put("latency_ms", new JsonObject()
            .put("p50", s.p50Millis())
            .put("p95", s.p95Millis())
            .put("p99", s.p99Millis()))
        .put("open_timeout_ms", s.openTimeoutMillis())
        .put("backoff_level", s.backoffLevel())
        .put("retry_at", s.retryAtEpochMillis())
        .put("fallback", new JsonObject()
            .put("enabled", fallback.enabled())
            .put("types", new JsonArray(fallback.types()))
            .put("executions", new JsonObject(new LinkedHashMap<>(fallback.executions()))))
        .put("thresholds", new JsonObject()
            .put("failure_rate", thresholds.failureRate())
            .put("slow_call_rate", thresholds.slowCallRate())
            .put("minimum_calls", thresholds.minimumCalls()));
    if (verdict != null) {
      json.put("verdict", verdict);
    }
    return json;
  }

  /**
   * Whether a published snapshot is of this breaker, without reading the rest of it: for readers
   * that listen to every snapshot and care about one breaker.
   */
  public static boolean isOf(JsonObject json, String breaker) {
    return breaker.equals(json.getValue("breaker"));
  }

  /**
   * Reads a published snapshot back.
   *
   * @throws IllegalArgumentException when the message is not a snapshot this version can read: a
   *     key missing or of the wrong type, or a state it does not know (a newer node's)
   */
  public static PublishedSnapshot fromJson(JsonObject json) {
    try {
      JsonObject calls = json.getJsonObject("calls");
      JsonObject latency = json.getJsonObject("latency_ms");
      JsonObject fallback = json.getJsonObject("fallback");
      JsonObject thresholds = json.getJsonObject("thresholds");
      BreakerSnapshot core = new BreakerSnapshot(required(json.getString("breaker"), "breaker"),
          BreakerState.fromWireName(required(json.getString("state"), "state")), json.getLong("since"),
          calls.getLong("success"), calls.getLong("failure"), calls.getLong("ignored"), calls.getLong("rejected"),
          calls.getLong("timeout"), json.getDouble("failure_rate"), json.getDouble("slow_call_rate"),
          json.getInteger("window_calls"), latency.getDouble("p50"), latency.getDouble("p95"), latency.getDouble("p99"),
          json.getLong("open_timeout_ms"), json.getInteger("backoff_level"), json.getLong("retry_at"),
          0);
      Map<String, Long> executions = new LinkedHashMap<>();
      fallback.getJsonObject("executions").forEach(e -> executions.put(e.getKey(), ((Number) e.getValue()).longValue()));
      return new PublishedSnapshot(core, required(json.getString("node"), "node"), json.getString("kind", VERTICLE),
          json.getString("dependency"),
          new Fallback(fallback.getBoolean("enabled"), fallback.getJsonArray("types").stream().map(String.class::cast)
              .toList(), executions, calls.getLong("fallback")),
          new Thresholds(thresholds.getDouble("failure_rate"), thresholds.getDouble("slow_call_rate"),
              thresholds.getInteger("minimum_calls")),
          json.getString("verdict"));
    } catch (NullPointerException | ClassCastException e) {
      throw new IllegalArgumentException("not a breaker snapshot: " + e.getMessage(), e);
    }
  }

  private static String required(String value, String key) {
    if (value == null) {
      throw new IllegalArgumentException("not a breaker snapshot: no " + key);
    }
    return value;
  }
}
