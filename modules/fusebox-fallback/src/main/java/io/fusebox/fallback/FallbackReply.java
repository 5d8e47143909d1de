package io.fusebox.fallback;

import io.vertx.core.json.JsonObject;

/**
 * What a fallback answered.
 *
 * @param type the fallback's type, for the {@code fusebox-fallback} header and the metrics
 * @param staleMillis the age of stale cached data, or -1 when fresh
 */
public record FallbackReply(String type, JsonObject body, long staleMillis) {
}
