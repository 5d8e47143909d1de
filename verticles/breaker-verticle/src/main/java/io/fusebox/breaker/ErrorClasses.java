package io.fusebox.breaker;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The kinds of failure a breaker's calls met since its last transition ({@code HTTP 503},
 * {@code SQLSTATE 08006}, {@code UNAVAILABLE}, {@code timeout}, an exception's class), so that a
 * trip says what tripped it. At most {@link #TRACKED} kinds are kept: a new kind beyond them takes
 * the place of the least counted and carries its count on (the Space-Saving method), so that a
 * frequent kind is never lost, while a count may be over by as much as it took over. Nothing is
 * made until the first failure. On the breaker's event loop only.
 */
final class ErrorClasses {

  static final int TRACKED = 8;
  private static final int LONGEST = 48;

  private String[] kinds;
  private long[] counts;
  private int size;

  /**
   * The kind of an adapter's failure detail: what comes before its first colon, as adapters write
   * them ({@code SQLSTATE 08006: connection failure}, {@code UNAVAILABLE: io exception}).
   */
  static String ofDetail(String detail) {
    if (detail == null || detail.isBlank()) {
      return "unknown";
    }
    int colon = detail.indexOf(':');
    String kind = (colon > 0 ? detail.substring(0, colon) : detail).strip();
    return kind.length() > LONGEST ? kind.substring(0, LONGEST) : kind;
  }

  void count(String kind) {
    if (kinds == null) {
      kinds = new String[TRACKED];
      counts = new long[TRACKED];
    }
    int least = 0;
    for (int i = 0; i < size; i++) {
      if (kinds[i].equals(kind)) {
        counts[i]++;
        return;
      }
      if (counts[i] < counts[least]) {
        least = i;
      }
    }
    if (size < TRACKED) {
      kinds[size] = kind;
      counts[size++] = 1;
      return;
    }
    kinds[least] = kind;
    counts[least]++;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** The {@code n} most counted, most first: {@code [{"class": "HTTP 503", "count": 12}, ...]}. */
  JsonArray top(int n) {
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong((Integer i) -> counts[i]).reversed());
    JsonArray top = new JsonArray();
    for (int i = 0; i < Math.min(n, size); i++) {
      top.add(new JsonObject().put("class", kinds[order[i]]).put("count", counts[order[i]]));
    }
    return top;
  }

  void clear() {
    size = 0;
  }
}
