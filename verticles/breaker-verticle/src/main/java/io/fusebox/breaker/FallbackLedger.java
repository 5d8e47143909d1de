package io.fusebox.breaker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fallback chain's runtime switch (admin {@code fallback_on} / {@code fallback_off}, kept across
 * restarts) and what it answered, for snapshots and metrics.
 */
final class FallbackLedger {

  private final List<String> types;
  private final Map<String, Long> executions = new LinkedHashMap<>();
  private boolean enabled = true;
  private long calls;

  FallbackLedger(List<String> types) {
    this.types = types;
  }

  boolean enabled() {
    return enabled;
  }

  void enabled(boolean on) {
    enabled = on;
  }

  void answered(String type) {
    calls++;
    executions.merge(type, 1L, Long::sum);
  }

  long calls() {
    return calls;
  }

  /** {@code {"enabled", "types": [...], "executions": {type: n}}}. */
  JsonObject json() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("types", new JsonArray(types))
        .put("executions", new JsonObject(new LinkedHashMap<>(executions)));
  }
}
