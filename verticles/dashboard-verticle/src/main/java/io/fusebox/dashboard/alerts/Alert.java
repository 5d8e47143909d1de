package io.fusebox.dashboard.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What an on-call engineer is told about one of this node's breakers.
 *
 * @param from the state left, or null for a flapping alert
 * @param to the state entered (for a flapping alert, the latest one)
 * @param window the window as it was when the breaker opened (an {@code open} alert's evidence), or null
 * @param errors the kinds of failure that tripped it, most first ({@code [{"class", "count"}]}), or null
 * @param count the transitions a flapping alert stands for; 1 otherwise
 * @param configVersion the configuration the breaker ran when it changed state, or null
 */
record Alert(Kind kind, String breaker, String node, String from, String to, String reason, long atEpochMillis,
    JsonObject window, JsonArray errors, int count, String configVersion) {

  enum Kind {
    /** the breaker opened, or was forced open */
    OPEN("open"),
    /** the dependency passed its half-open probes and the breaker closed */
    RECOVERY("recovery"),
    /** the breaker closed otherwise (an admin reset, the end of a forced or disabled mode) */
    CLOSE("close"),
    /** the breaker changed state too often: one alert instead of one each time */
    FLAPPING("flapping"),
    /** a flapping breaker has been still for the flapping window */
    FLAPPING_ENDED("flapping_ended");

    final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("kind", kind.wireName)
        .put("breaker", breaker)
        .put("node", node)
        .put("to", to)
        .put("at", atEpochMillis);
    if (from != null) {
      json.put("from", from);
    }
    if (reason != null) {
      json.put("reason", reason);
    }
    if (window != null) {
      json.put("window", window);
    }
    if (errors != null) {
      json.put("errors", errors);
    }
    if (kind == Kind.FLAPPING || kind == Kind.FLAPPING_ENDED) {
      json.put("count", count);
    }
    if (configVersion != null) {
      json.put("config_version", configVersion);
    }
    return json;
  }

  /** One line for people: a log, a chat message. */
  String text() {
    String where = "breaker " + breaker + " on " + node;
    return switch (kind) {
      case OPEN -> where + " opened (" + from + " -> " + to + ")" + (reason == null ? "" : ": " + reason)
          + errorsText() + (configVersion == null ? "" : "; config " + configVersion);
      case RECOVERY -> where + " recovered (" + from + " -> " + to + ")";
      case CLOSE -> where + " closed (" + from + " -> " + to + ")" + (reason == null ? "" : ": " + reason);
      case FLAPPING -> where + " is flapping: " + count + " transitions, now " + to
          + "; further transitions are not alerted until it is still";
      case FLAPPING_ENDED -> where + " stopped flapping after " + count + " transitions, now " + to;
    };
  }

  /** {@code "; failures: HTTP 503 x12, timeout x3"}, or nothing. */
  private String errorsText() {
    if (errors == null || errors.isEmpty()) {
      return "";
    }
    List<String> kinds = new ArrayList<>();
    for (int i = 0; i < errors.size(); i++) {
      JsonObject e = errors.getJsonObject(i);
      kinds.add(e.getString("class") + " x" + e.getLong("count"));
    }
    return "; failures: " + String.join(", ", kinds);
  }
}
