package io.fusebox.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
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

  private record Entry(PublishedSnapshot snapshot, JsonObject json, String sequence, long heardAtMillis) {
  }

  /**
   * A header a breaker may send with its snapshot: a number that changes whenever the snapshot does,
   * so that the same number again is the same snapshot again.
   */
  public static final String SEQUENCE_HEADER = "fusebox-snapshot-seq";
  /**
   * A header a breaker sends with its snapshot: its {@code snapshot_interval} in milliseconds, by
   * which a reader that is not configured with it (a client's state mirror) knows how long a quiet
   * instance may go unheard.
   */
  public static final String INTERVAL_HEADER = "fusebox-snapshot-interval-ms";

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
    this.consumer = vertx.eventBus().consumer(Addresses.SNAPSHOTS, this::hear);
    consumer.completion().onSuccess(ok -> SnapshotDemand.ask(vertx));
  }

  /**
   * How long from {@code nowMillis} until the next instant at which the breakers of a node publish:
   * a multiple of the interval on the wall clock, so that an event loop wakes once for all of its
   * breakers. A wake-up for each, at scattered instants, kept the event loops of 10,000 idle
   * breakers busy (1.6 of 2 cores; 0.26 aligned).
   */
  public static long millisToNextTick(long intervalMillis, long nowMillis) {
    return intervalMillis - nowMillis % intervalMillis;
  }

  /** When an instance not heard from counts as gone, the one rule every part of a node uses. */
  public static long staleAfterMillis(Duration snapshotInterval) {
    return MISSED_SNAPSHOTS * snapshotInterval.toMillis();
  }

  public Future<Void> ready() {
    return consumer.completion();
  }

  private void hear(Message<JsonObject> message) {
    JsonObject json = message.body();
    long now = System.currentTimeMillis();
    String sequence = message.headers().get(SEQUENCE_HEADER);
    // most snapshots are a quiet breaker's sign of life, the very one the board holds: known by its
    // sequence number, it only refreshes the instance instead of being read again (comparing the
    // JSON instead cost more than reading it)
    String key = sequence != null && json.getValue("breaker") instanceof String breaker
        && json.getValue("node") instanceof String node ? key(breaker, node) : null;
    Entry known = key == null ? null : instances.get(key);
    if (known != null && sequence.equals(known.sequence)) {
      instances.put(key, new Entry(known.snapshot, known.json, sequence, now));
      listener.accept(known.snapshot, known.json);
      return;
    }
    try {
      PublishedSnapshot snapshot = PublishedSnapshot.fromJson(json);
      instances.put(key(snapshot.breaker(), snapshot.node()), new Entry(snapshot, json, sequence, now));
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
