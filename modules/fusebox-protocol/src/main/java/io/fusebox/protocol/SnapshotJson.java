package io.fusebox.protocol;

import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.fusebox.core.Transition;
import io.fusebox.core.WindowCounts;
import io.vertx.core.json.JsonObject;

/** The JSON shapes of DESIGN.md for snapshots and transition events. */
public final class SnapshotJson {

  private SnapshotJson() {
  }

  /**
   * @param node the node the breaker runs on, so that a cluster's instances never overwrite
   *     each other
   * @param dependency the dependency type, e.g. {@code http}
   * @param fallbackCalls calls answered by a fallback
   * @param fallback the fallback chain: {@code {"enabled", "types": [...], "executions": {type: n}}}
   * @param thresholds what the rates are judged against: {@code {"failure_rate", "slow_call_rate",
   *     "minimum_calls"}}, a rate null when its detector is off
   * @param verdict this instance's own cluster verdict, {@code open} or {@code closed}; null (and
   *     left out) when the breaker has no cluster verdict
   */
  public static JsonObject snapshot(BreakerSnapshot s, String node, String dependency, long fallbackCalls,
      JsonObject fallback, JsonObject thresholds, String verdict) {
    JsonObject json = new JsonObject()
        .put("breaker", s.breaker())
        .put("node", node)
        .put("dependency", dependency)
        .put("state", s.state().wireName())
        .put("since", s.sinceEpochMillis())
        .put("calls", new JsonObject()
            .put("success", s.successCalls())
            .put("failure", s.failureCalls())
            .put("ignored", s.ignoredCalls())
            .put("rejected", s.rejectedCalls())
            .put("timeout", s.timeoutCalls())
            .put("fallback", fallbackCalls))
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
        .put("fallback", fallback)
        .put("thresholds", thresholds);
    if (verdict != null) {
      json.put("verdict", verdict);
    }
    return json;
  }

  /**
   * A transition event; one that opens the breaker also carries {@code window}, the window as it
   * was at the trip ({@code {"calls", "failures", "slow_calls", "failure_rate", "slow_call_rate"}}),
   * the evidence of why it opened.
   */
  public static JsonObject transition(Transition t, String node) {
    JsonObject event = new JsonObject()
        .put("type", "transition")
        .put("breaker", t.breaker())
        .put("node", node)
        .put("from", t.from().wireName())
        .put("to", t.to().wireName())
        .put("reason", t.reason())
        .put("at", t.atEpochMillis());
    if (t.to() == BreakerState.OPEN) {
      WindowCounts w = t.window();
      event.put("window", new JsonObject()
          .put("calls", w.calls())
          .put("failures", w.failures())
          .put("slow_calls", w.slowCalls())
          .put("failure_rate", w.failureRate())
          .put("slow_call_rate", w.slowCallRate()));
    }
    return event;
  }
}
