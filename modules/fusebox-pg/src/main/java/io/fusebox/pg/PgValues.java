package io.fusebox.pg;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.data.Numeric;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.temporal.Temporal;
import java.util.Base64;
import java.util.UUID;

/**
 * PostgreSQL values as JSON: numbers as numbers (numeric keeps its precision), dates and times as
 * ISO-8601 text, json/jsonb as JSON, bytea as base64, arrays as arrays, anything else as its text.
 */
final class PgValues {

  private PgValues() {
  }

  /**
   * A JSON parameter as the client expects it: an array of strings, numbers or booleans becomes a
   * Java array (for {@code text[]}, {@code int[]}...); objects and mixed arrays stay JSON (json/jsonb).
   */
  static Object param(Object json) {
    if (!(json instanceof JsonArray array) || array.isEmpty()) {
      return json;
    }
    Object first = array.getValue(0);
    Class<?> type = first instanceof String ? String.class : first instanceof Boolean ? Boolean.class
        : first instanceof Integer || first instanceof Long ? Long.class : first instanceof Number ? Double.class : null;
    if (type == null) {
      return json;
    }
    Object javaArray = Array.newInstance(type, array.size());
    for (int i = 0; i < array.size(); i++) {
      Object v = array.getValue(i);
      if (type == Long.class && (v instanceof Integer || v instanceof Long)) {
        Array.set(javaArray, i, ((Number) v).longValue());
      } else if (type == Double.class && v instanceof Number n) {
        Array.set(javaArray, i, n.doubleValue());
      } else if (type.isInstance(v)) {
        Array.set(javaArray, i, v);
      } else {
        return json;
      }
    }
    return javaArray;
  }

  static JsonObject row(Row row) {
    JsonObject json = new JsonObject();
    for (int i = 0; i < row.size(); i++) {
      json.put(row.getColumnName(i), value(row.getValue(i)));
    }
    return json;
  }

  static Object value(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Integer || v instanceof Long
        || v instanceof Short || v instanceof Double || v instanceof Float || v instanceof JsonObject || v instanceof JsonArray) {
      return v;
    }
    if (v instanceof Numeric n) {
      return n.isNaN() ? "NaN" : n.bigDecimalValue();
    }
    if (v instanceof BigDecimal d) {
      return d;
    }
    if (v instanceof Temporal || v instanceof UUID) {
      return v.toString();
    }
    if (v instanceof Buffer b) {
      return Base64.getEncoder().encodeToString(b.getBytes());
    }
    if (v.getClass().isArray()) {
      JsonArray array = new JsonArray();
      for (int i = 0; i < Array.getLength(v); i++) {
        array.add(value(Array.get(v, i)));
      }
      return array;
    }
    return v.toString();
  }
}
