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
import java.util.function.BiConsumer;

/**
 * The latest snapshot of every breaker instance in the cluster, keyed by breaker and node so that
 * instances never overwrite each other. An instance not heard from for {@link #staleAfterMillis}
 * (a dead node) drops out. Used on one event loop: the verticle that created it.
 */
public final class SnapshotBoard {

  private record Entry(PublishedSnapshot snapshot, JsonObject json, long heardAtMillis) {
  }

  /**
   * A breaker whose snapshot has not changed publishes it again only every this many intervals (a
   * node of thousands of idle breakers would otherwise spend its event loops on them).
   */
  public static final int QUIET_EVERY = 2;
  /**
   * Intervals an instance may go unheard before it counts as gone: a quiet one's sign of life, and
   * two late ones, which are no death.
   */
  private static final int MISSED_SNAPSHOTS = QUIET_EVERY + 2;

  private final Map<String, Entry> instances = new LinkedHashMap<>();
  private final long staleAfterMillis;
  private final MessageConsumer<JsonObject> consumer;
  private final BiConsumer<PublishedSnapshot, JsonObject> listener;

  /** @param snapshotInterval how often each instance publishes its snapshot */
  public SnapshotBoard(Vertx vertx, Duration snapshotInterval) {
    this(vertx, snapshotInterval, (snapshot, json) -> { });
  }

  /**
   * @param listener told of every snapshot the board takes, read and as published, so that its
   *     owner need not read the same message again
   */
  public SnapshotBoard(Vertx vertx, Duration snapshotInterval, BiConsumer<PublishedSnapshot, JsonObject> listener) {
    this.staleAfterMillis = staleAfterMillis(snapshotInterval);
    this.listener = listener;
    this.consumer = vertx.eventBus().consumer(Addresses.SNAPSHOTS, m -> hear(m.body()));
  }

  /** When an instance not heard from counts as gone, the one rule every part of a node uses. */
  public static long staleAfterMillis(Duration snapshotInterval) {
    return MISSED_SNAPSHOTS * snapshotInterval.toMillis();
  }

  public Future<Void> ready() {
    return consumer.completion();
  }

  private void hear(JsonObject json) {
    long now = System.currentTimeMillis();
    // most snapshots are a quiet breaker's sign of life, equal to what the board holds: comparing
    // costs less than reading it again
    String key = json.getValue("breaker") instanceof String breaker && json.getValue("node") instanceof String node
        ? key(breaker, node) : null;
    Entry known = key == null ? null : instances.get(key);
    if (known != null && known.json.equals(json)) {
      instances.put(key, new Entry(known.snapshot, known.json, now));
      listener.accept(known.snapshot, known.json);
      return;
    }
    try {
      PublishedSnapshot snapshot = PublishedSnapshot.fromJson(json);
      instances.put(key(snapshot.breaker(), snapshot.node()), new Entry(snapshot, json, now));
      listener.accept(snapshot, json);
    } catch (IllegalArgumentException unreadable) {
      // a newer node's snapshot this version cannot read is simply not shown
    }
  }

  private static String key(String breaker, String node) {
    return breaker + "\u0000" + node;
  }

  /** Every live instance's snapshot as published, sorted by breaker then node. */
  public List<JsonObject> all() {
    return live().stream().map(Entry::json).toList();
  }

  /** The live instances of one breaker as published; empty when none is known. */
  public List<JsonObject> of(String breaker) {
    return live().stream().filter(e -> breaker.equals(e.snapshot.breaker())).map(Entry::json).toList();
  }

  /** How many live instances run on the given node. */
  public long onNode(String node) {
    return live().stream().filter(e -> node.equals(e.snapshot.node())).count();
  }

  private List<Entry> live() {
    long now = System.currentTimeMillis();
    instances.values().removeIf(e -> now - e.heardAtMillis > staleAfterMillis);
    List<Entry> live = new ArrayList<>(instances.values());
    live.sort(Comparator.comparing((Entry e) -> e.snapshot.breaker()).thenComparing(e -> e.snapshot.node()));
    return live;
  }

}
