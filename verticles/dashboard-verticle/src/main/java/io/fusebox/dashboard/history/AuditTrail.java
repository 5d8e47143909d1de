package io.fusebox.dashboard.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The admin actions and reloads of this node, newest last, each with who, when, why, until when
 * and how it went: at most {@link #KEPT}, the oldest forgotten beyond. The history verticle keeps
 * it and saves each entry in its store as it comes, so that a restart keeps a day of them.
 */
public final class AuditTrail {

  public static final int KEPT = 1000;

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
