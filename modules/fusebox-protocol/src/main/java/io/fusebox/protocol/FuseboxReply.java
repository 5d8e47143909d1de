package io.fusebox.protocol;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;

/**
 * A successful reply: the dependency's answer, or a fallback's, told apart by the headers.
 *
 * @param body the reply JSON, per adapter (for HTTP {@code {"status","headers","body"}})
 * @param fallbackType the fallback that answered ({@code cache}, {@code static}...), or null
 * @param staleMillis the age of stale cached data, or -1 when the data is fresh
 * @param state the breaker's state after the call, or null when not reported
 */
public record FuseboxReply(JsonObject body, String fallbackType, long staleMillis, String state) {

  public static FuseboxReply from(JsonObject body, MultiMap headers) {
    String stale = headers.get(Headers.STALE_MS);
    return new FuseboxReply(body,
        Headers.OUTCOME_FALLBACK.equals(headers.get(Headers.OUTCOME)) ? headers.get(Headers.FALLBACK) : null,
        stale == null ? -1 : Long.parseLong(stale),
        headers.get(Headers.STATE));
  }

  public boolean fromFallback() {
    return fallbackType != null;
  }

  public boolean stale() {
    return staleMillis >= 0;
  }
}
