package io.fusebox.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The admin actions this node's API took, newest last, each with who, when, why, until when and
 * how it went: at most {@link #KEPT}, the oldest forgotten beyond. Kept in memory: a restart
 * forgets them (the breakers keep the override in force, with its who and why, in their store).
 * Used on the dashboard's event loop.
 */
final class AuditTrail {

  static final int KEPT = 1000;

  private final ArrayDeque<JsonObject> entries = new ArrayDeque<>();

  void record(JsonObject entry) {
    if (entries.size() == KEPT) {
      entries.removeFirst();
    }
    entries.addLast(entry);
  }

  /** The newest {@code limit} entries, newest first. */
  JsonArray newest(int limit) {
    JsonArray newest = new JsonArray();
    for (Iterator<JsonObject> it = entries.descendingIterator(); it.hasNext() && newest.size() < limit; ) {
      newest.add(it.next());
    }
    return newest;
  }
}
