package io.fusebox.fallback;

import io.vertx.core.json.JsonObject;

/**
 * A call that needs a fallback.
 *
 * @param readKey the adapter's key for a read, or null for a write
 * @param budgetMillis time left before the caller's deadline
 */
public record FallbackRequest(JsonObject operation, String readKey, Trigger trigger, long budgetMillis) {
}
