package io.fusebox.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest snapshot of every breaker instance in the cluster, keyed by breaker and node so that
 * instances never overwrite each other. An instance not heard from for {@code staleAfterMillis}
 * (a dead node) drops out. Used on one event loop: the verticle that created it.
 */
public final class SnapshotBoard {

  private record Entry(JsonObject snapshot, long heardAtMillis) {
  }

  private final Map<String, Entry> instances = new LinkedHashMap<>();
  private final long staleAfterMillis;
  private final MessageConsumer<JsonObject> consumer;

  public SnapshotBoard(Vertx vertx, long staleAfterMillis) {
    this.staleAfterMillis = staleAfterMillis;
    this.consumer = vertx.eventBus().consumer(Addresses.SNAPSHOTS, m -> hear(m.body()));
  }

  public Future<Void> ready() {
    return consumer.completion();
  }

  private void hear(JsonObject snapshot) {
    String breaker = snapshot.getString("breaker");
    String node = snapshot.getString("node");
    if (breaker != null && node != null) {
      instances.put(breaker + "\u0000" + node, new Entry(snapshot, System.currentTimeMillis()));
    }
  }

  /** Every live instance's snapshot, sorted by breaker then node. */
  public List<JsonObject> all() {
    long now = System.currentTimeMillis();
    instances.values().removeIf(e -> now - e.heardAtMillis > staleAfterMillis);
    List<JsonObject> live = new ArrayList<>();
    instances.values().forEach(e -> live.add(e.snapshot));
    live.sort(Comparator.comparing((JsonObject s) -> s.getString("breaker")).thenComparing(s -> s.getString("node")));
    return live;
  }

  /** The live instances of one breaker; empty when none is known. */
  public List<JsonObject> of(String breaker) {
    return all().stream().filter(s -> breaker.equals(s.getString("breaker"))).toList();
  }

  public Future<Void> close() {
    return consumer.unregister();
  }
}
