package io.fusebox.breaker;

import io.fusebox.protocol.AdminAction;
import io.vertx.core.json.JsonObject;

/**
 * Who forced a breaker open or disabled it, why, since when and until when: shown next to the
 * state it forces, kept across restarts, and ended at {@code untilEpochMillis} when there is one.
 *
 * @param untilEpochMillis when the breaker returns to automatic; 0 for never (until an admin closes it)
 */
record AdminOverride(String action, String by, String reason, long atEpochMillis, long untilEpochMillis) {

  /**
   * From an admin request that forces or disables: its {@code by}, {@code reason}, {@code until};
   * null when it says none of them (code on the event bus may act without).
   */
  static AdminOverride of(AdminAction action, JsonObject request, long nowMillis) {
    if (!request.containsKey("by") && !request.containsKey("reason") && !request.containsKey("until")) {
      return null;
    }
    Object until = request.getValue("until");
    return new AdminOverride(action.wireName(), request.getString("by", "unknown"), request.getString("reason", ""),
        nowMillis, until instanceof Number n ? n.longValue() : 0);
  }

  /** @return null for null or what is not an override */
  static AdminOverride fromJson(JsonObject json) {
    if (json == null || !(json.getValue("action") instanceof String action)) {
      return null;
    }
    return new AdminOverride(action, json.getString("by", "unknown"), json.getString("reason", ""),
        json.getLong("at", 0L), json.getLong("until", 0L));
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("action", action).put("by", by).put("reason", reason).put("at", atEpochMillis);
    return untilEpochMillis > 0 ? json.put("until", untilEpochMillis) : json;
  }
}
