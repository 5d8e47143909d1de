package io.fusebox.fallback;

import io.fusebox.config.FallbackNames;
import io.fusebox.core.Durations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds a service's chain from its validated {@code fallback} list. */
public final class Fallbacks {

  private Fallbacks() {
  }

  public static FallbackChain chain(Vertx vertx, List<Map<String, Object>> entries) {
    List<Fallback> chain = new ArrayList<>();
    for (Map<String, Object> entry : entries) {
      JsonObject e = new JsonObject(entry);
      Set<Trigger> on = Trigger.of(e.getJsonArray("on") == null ? null : e.getJsonArray("on").getList());
      String type = e.getString("type");
      chain.add(switch (type) {
        case FallbackNames.STATIC -> new StaticFallback(FallbackNames.STATIC, on, value(e));
        case FallbackNames.CACHE -> new CacheFallback(on,
            duration(e, "ttl", CacheFallback.DEFAULT_TTL), duration(e, "max_stale", CacheFallback.DEFAULT_MAX_STALE),
            e.getInteger("max_entries", CacheFallback.DEFAULT_MAX_ENTRIES));
        case FallbackNames.ADDRESS -> new AddressFallback(FallbackNames.ADDRESS, on, vertx, e.getString("address"),
            duration(e, "timeout", AddressFallback.DEFAULT_TIMEOUT));
        case FallbackNames.DEGRADED -> e.getBoolean("read_only", false)
            ? new DegradedFallback(on, vertx, e.getString("address"), duration(e, "timeout", AddressFallback.DEFAULT_TIMEOUT))
            : new DegradedFallback(on, value(e));
        default -> throw new IllegalArgumentException("unknown fallback type '" + type + "'");
      });
    }
    return new FallbackChain(chain);
  }

  /** A JSON object as is; any other JSON value as {@code {"value": ...}}, since replies are objects. */
  private static JsonObject value(JsonObject entry) {
    Object value = entry.getValue("value");
    return value instanceof JsonObject object ? object : new JsonObject().put("value", value);
  }

  private static Duration duration(JsonObject entry, String key, Duration otherwise) {
    String text = entry.getString(key);
    return text == null ? otherwise : Durations.parse(text);
  }
}
