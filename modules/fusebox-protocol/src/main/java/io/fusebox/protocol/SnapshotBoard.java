package io.fusebox.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest snapshot of every breaker instance in the cluster, keyed by breaker and node so that
 * instances never overwrite each other. An instance not heard from for {@link #staleAfterMillis}
 * (a dead node) drops out. Used on one event loop: the verticle that created it.
 */
public final class SnapshotBoard {

  private record Entry(JsonObject snapshot, long heardAtMillis) {
  }

  /** Snapshots an instance may miss before it counts as gone: a late one or two are no death. */
  private static final int MISSED_SNAPSHOTS = 3;

  private final Map<String, Entry> instances = new LinkedHashMap<>();
  private final long staleAfterMillis;
  private final MessageConsumer<JsonObject> consumer;

  /** @param snapshotInterval how often each instance publishes its snapshot */
  public SnapshotBoard(Vertx vertx, Duration snapshotInterval) {
    this.staleAfterMillis = staleAfterMillis(snapshotInterval);
    this.consumer = vertx.eventBus().consumer(Addresses.SNAPSHOTS, m -> hear(m.body()));
  }

  /** When an instance not heard from counts as gone, the one rule every part of a node uses. */
  public static long staleAfterMillis(Duration snapshotInterval) {
    return MISSED_SNAPSHOTS * snapshotInterval.toMillis();
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

}
