package io.fusebox.store;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps states for the life of the process: a breaker redeployed in the same node finds its state. */
public final class MemoryStateStore implements StateStore {

  private final Map<String, BreakerRecord> records = new ConcurrentHashMap<>();

  @Override
  public Future<Void> save(BreakerRecord record) {
    records.put(record.key(), record);
    return Future.succeededFuture();
  }

  @Override
  public Future<BreakerRecord> load(String breaker, String node) {
    return Future.succeededFuture(records.get(breaker + "@" + node));
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
