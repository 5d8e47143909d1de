package io.fusebox.store;

import io.vertx.core.json.JsonObject;

/**
 * What a breaker instance must remember across a restart.
 *
 * @param state the wire name of its state
 * @param openUntilEpochMillis when an open breaker may probe again, by the wall clock (so that it
 *     means the same after a restart); 0 in other states
 * @param fallbackEnabled the fallback switch
 * @param override who forced the breaker open or disabled it, why and until when
 *     ({@code {"action", "by", "reason", "at", "until"}}), or null
 */
public record BreakerRecord(String breaker, String node, String state, long sinceEpochMillis, long openUntilEpochMillis,
    int backoffLevel, boolean fallbackEnabled, JsonObject override) {

  public BreakerRecord(String breaker, String node, String state, long sinceEpochMillis, long openUntilEpochMillis,
      int backoffLevel, boolean fallbackEnabled) {
    this(breaker, node, state, sinceEpochMillis, openUntilEpochMillis, backoffLevel, fallbackEnabled, null);
  }

  public String key() {
    return breaker + "@" + node;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("breaker", breaker).put("node", node).put("state", state).put("since", sinceEpochMillis)
        .put("open_until", openUntilEpochMillis).put("backoff_level", backoffLevel).put("fallback_enabled", fallbackEnabled)
        .put("override", override);
  }

  /** @throws ClassCastException or NullPointerException when the JSON is not a record */
  public static BreakerRecord fromJson(JsonObject json) {
    return new BreakerRecord(json.getString("breaker"), json.getString("node"), json.getString("state"),
        json.getLong("since"), json.getLong("open_until"), json.getInteger("backoff_level"),
        json.getBoolean("fallback_enabled"), json.getJsonObject("override"));
  }
}
