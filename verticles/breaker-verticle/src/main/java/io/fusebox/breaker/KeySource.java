package io.fusebox.breaker;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Where a keyed family reads each call's key ({@code keyed.by}): a request header of the event-bus
 * message, a field of the call's JSON (taken out before the dependency sees the operation), or the
 * {@code Host} header of an HTTP operation. A key is what a caller sends, so it is bounded: a call
 * without one, or with one longer than {@value #MAX_KEY_LENGTH} characters, is the caller's fault.
 */
final class KeySource {

  static final int MAX_KEY_LENGTH = 256;

  private final String by;
  private final String header;
  private final String field;

  KeySource(String by) {
    this.by = by;
    this.header = by.startsWith("header:") ? by.substring("header:".length()) : null;
    this.field = by.startsWith("field:") ? by.substring("field:".length()) : null;
  }

  String by() {
    return by;
  }

  /**
   * The call's key, or null with {@code problem} set to why there is none.
   *
   * @param problem one slot, filled with what the caller must fix
   */
  String keyOf(MultiMap headers, JsonObject operation, String[] problem) {
    Object key;
    if (header != null) {
      key = headers.get(header);
    } else if (field != null) {
      key = operation.remove(field);
    } else {
      key = hostOf(operation.getValue("headers"));
    }
    if (!(key instanceof String text) || text.isEmpty()) {
      problem[0] = "this breaker is keyed by " + by + ": the call " + (key == null ? "has none" : "has no text in it");
      return null;
    }
    if (text.length() > MAX_KEY_LENGTH) {
      problem[0] = "the key (" + by + ") is longer than " + MAX_KEY_LENGTH + " characters";
      return null;
    }
    return text;
  }

  private static Object hostOf(Object headers) {
    if (headers instanceof JsonObject json) {
      for (Map.Entry<String, Object> e : json) {
        if ("host".equalsIgnoreCase(e.getKey())) {
          return e.getValue();
        }
      }
    }
    return null;
  }
}
