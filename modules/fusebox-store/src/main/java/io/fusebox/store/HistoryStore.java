package io.fusebox.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where a node's breaker history (one-minute aggregates, transitions) survives a restart: rows of
 * JSON, each with its time in {@code at} (epoch milliseconds), appended as they are made and read
 * back from a given time on. A store keeps at least the last {@link #KEPT_MILLIS}, and drops
 * older rows by itself. Appending never fails: a store that cannot write logs it, and the rows
 * stay in the node's memory.
 */
public interface HistoryStore {

  /** 24 hours: what the history covers. */
  long KEPT_MILLIS = 24 * 60 * 60 * 1000L;

  /** A node whose store is in memory keeps its history in memory only. */
  HistoryStore NONE = new HistoryStore() {
    @Override
    public Future<Void> append(String node, List<JsonObject> rows) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<JsonObject>> load(String node, long sinceEpochMillis) {
      return Future.succeededFuture(List.of());
    }
  };

  Future<Void> append(String node, List<JsonObject> rows);

  /** The node's rows from {@code sinceEpochMillis} on, oldest first; none when the store cannot be read. */
  Future<List<JsonObject>> load(String node, long sinceEpochMillis);

  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
