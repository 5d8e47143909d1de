package io.fusebox.protocol;

import io.fusebox.core.BreakerState;
import io.fusebox.core.CoarseClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The caller's copy of every breaker instance's state, fed by {@code fusebox.events} and
 * {@code fusebox.snapshots}, so that reading a state costs a map lookup instead of a round trip.
 *
 * <p>A breaker may run on several nodes; its state here is the most permissive of its instances
 * heard from within the time-to-live, since a call can reach any of them. Safe to read from any
 * thread; a read allocates nothing (the clock is the coarse one, 1 ms).
 */
final class StateMirror {

  /**
   * @param answeredByFallback the instance has an enabled fallback chain, so a rejection may still answer
   * @param callable a breaker verticle, which takes calls at its node's instance address (an
   *     in-process breaker has none)
   * @param liveForMillis how long it counts after it was heard: the client's time-to-live, or longer
   *     when the instance's snapshot interval says that it may go quiet for longer
   */
  private record Instance(BreakerState state, long retryAtMillis, boolean answeredByFallback, boolean callable,
      long heardAtMillis, long liveForMillis) {

    boolean liveAt(long nowMillis) {
      return nowMillis - heardAtMillis <= liveForMillis;
    }
  }

  /**
   * A breaker's instances, and their most permissive live state as of the last change, good until
   * the first of them may expire: so that a read is a map lookup and two field reads, with no
   * allocation, until something changes.
   */
  private static final class Mirrored {
    final Map<String, Instance> instances = new ConcurrentHashMap<>();
    final AtomicReference<Summary> summary = new AtomicReference<>(Summary.NOTHING);
  }

  /** @param best null when no instance is live; @param validUntilMillis when a live instance may expire */
  private record Summary(BreakerState best, long validUntilMillis) {
    static final Summary NOTHING = new Summary(null, Long.MIN_VALUE);
  }

  /**
   * How long after a node left the cluster its reports are not believed: a snapshot it sent before
   * it died may still be on its way. A node restarted under the same name takes longer to start.
   */
  private static final long LEFT_GRACE_MILLIS = 2_000;

  private final Map<String, Mirrored> breakers = new ConcurrentHashMap<>();
  /** Nodes that left the cluster, and when this mirror heard it. */
  private final Map<String, Long> left = new ConcurrentHashMap<>();
  private final CoarseClock clock = CoarseClock.shared();
  private final long ttlMillis;
  private final MessageConsumer<JsonObject> events;
  private final MessageConsumer<JsonObject> snapshots;

  StateMirror(Vertx vertx, long ttlMillis) {
    this.ttlMillis = ttlMillis;
    events = vertx.eventBus().consumer(Addresses.EVENTS, m -> hearTransition(m.body()));
    snapshots = vertx.eventBus().consumer(Addresses.SNAPSHOTS,
        m -> hearSnapshot(m.body(), m.headers().get(SnapshotBoard.INTERVAL_HEADER)));
    snapshots.completion().onSuccess(ok -> SnapshotDemand.ask(vertx));
  }

  Future<Void> ready() {
    return Future.all(events.completion(), snapshots.completion()).mapEmpty();
  }

  /** @param interval the instance's {@link SnapshotBoard#INTERVAL_HEADER}, or null from an older one */
  private void hearSnapshot(JsonObject json, String interval) {
    try {
      PublishedSnapshot s = PublishedSnapshot.fromJson(json);
      hear(s.breaker(), s.node(), s.state(), s.core().retryAtEpochMillis(), s.fallback().answers(),
          PublishedSnapshot.VERTICLE.equals(s.kind()), liveFor(interval));
    } catch (IllegalArgumentException unreadable) {
      // a newer node's snapshot this client cannot read is simply not mirrored
    }
  }

  /** As long as the board keeps an instance of that interval, and never less than the time-to-live. */
  private long liveFor(String intervalMillis) {
    try {
      return intervalMillis == null ? ttlMillis
          : Math.max(ttlMillis, SnapshotBoard.staleAfterMillis(Duration.ofMillis(Long.parseLong(intervalMillis))));
    } catch (NumberFormatException unreadable) {
      return ttlMillis;
    }
  }

  private void hearTransition(JsonObject json) {
    try {
      TransitionJson.Heard t = TransitionJson.read(json);
      hear(t.breaker(), t.node(), t.to(), 0, null, null, 0);
    } catch (IllegalArgumentException unreadable) {
      // likewise
    }
  }

  /**
   * @param hasFallback null when the message does not say (a transition event): keep what was heard;
   *     likewise {@code callable}
   * @param liveFor 0 when the message does not say: keep what was heard, or the time-to-live
   */
  private void hear(String breaker, String node, BreakerState state, long retryAt, Boolean hasFallback,
      Boolean callable, long liveFor) {
    long now = clock.epochMillis();
    Long leftAt = left.get(node);
    if (leftAt != null) {
      if (now - leftAt < LEFT_GRACE_MILLIS) {
        return;
      }
      left.remove(node, leftAt);
    }
    Mirrored mirrored = breakers.computeIfAbsent(breaker, b -> new Mirrored());
    Instance before = mirrored.instances.get(node);
    boolean fallback = hasFallback != null ? hasFallback : before != null && before.answeredByFallback;
    long live = liveFor > 0 ? liveFor : before != null ? before.liveForMillis : ttlMillis;
    boolean takesCalls = callable != null ? callable : before != null && before.callable;
    mirrored.instances.put(node, new Instance(state, retryAt, fallback, takesCalls, now, live));
    mirrored.summary.set(summarize(mirrored, now));
  }

  /** The most permissive state among the breaker's live instances, or null when none was heard. */
  BreakerState state(String breaker) {
    Mirrored mirrored = breakers.get(breaker);
    if (mirrored == null) {
      return null;
    }
    Summary known = mirrored.summary.get();
    long now = clock.epochMillis();
    if (now < known.validUntilMillis) {
      return known.best;
    }
    // an instance may have expired: count again; a summary that a newer message set meanwhile wins
    Summary fresh = summarize(mirrored, now);
    mirrored.summary.compareAndSet(known, fresh);
    return fresh.best;
  }

  private Summary summarize(Mirrored mirrored, long now) {
    BreakerState best = null;
    long validUntil = Long.MAX_VALUE;
    for (Instance i : mirrored.instances.values()) {
      if (i.liveAt(now)) {
        validUntil = Math.min(validUntil, i.heardAtMillis + i.liveForMillis + 1);
        if (best == null || rank(i.state) < rank(best)) {
          best = i.state;
        }
      }
    }
    return new Summary(best, validUntil);
  }

  /**
   * How long every live instance of the breaker will go on rejecting without a fallback to answer,
   * in milliseconds, or 0 when a call might be answered somewhere.
   */
  long rejectingForMillis(String breaker) {
    Mirrored mirrored = breakers.get(breaker);
    if (mirrored == null) {
      return 0;
    }
    Map<String, Instance> instances = mirrored.instances;
    long now = clock.epochMillis();
    long soonest = Long.MAX_VALUE;
    boolean anyLive = false;
    for (Instance i : instances.values()) {
      if (!i.liveAt(now)) {
        continue;
      }
      anyLive = true;
      if (i.answeredByFallback) {
        return 0;
      } else if (i.state == BreakerState.FORCED_OPEN) {
        soonest = Math.min(soonest, i.liveForMillis);
      } else if (i.state == BreakerState.OPEN && i.retryAtMillis > now) {
        soonest = Math.min(soonest, i.retryAtMillis - now);
      } else {
        return 0;
      }
    }
    return anyLive ? soonest : 0;
  }

  /** The node left the cluster: its instances count no more, and it is chosen for no call. */
  void nodeLeft(String node) {
    long now = clock.epochMillis();
    left.put(node, now);
    for (Mirrored mirrored : breakers.values()) {
      if (mirrored.instances.remove(node) != null) {
        mirrored.summary.set(summarize(mirrored, now));
      }
    }
  }

  boolean hasLeft(String node) {
    return left.containsKey(node);
  }

  /**
   * One of the breaker's live verticle instances, taken in turn ({@code turn} counts up from the caller), or
   * null when none was heard from.
   */
  String instanceFor(String breaker, int turn) {
    Mirrored mirrored = breakers.get(breaker);
    if (mirrored == null) {
      return null;
    }
    long now = clock.epochMillis();
    int live = 0;
    for (Instance i : mirrored.instances.values()) {
      if (i.callable && i.liveAt(now)) {
        live++;
      }
    }
    if (live == 0) {
      return null;
    }
    int chosen = Math.floorMod(turn, live);
    for (Map.Entry<String, Instance> entry : mirrored.instances.entrySet()) {
      if (entry.getValue().callable && entry.getValue().liveAt(now) && chosen-- == 0) {
        return entry.getKey();
      }
    }
    return null; // an instance expired between the two passes; the caller sends to any
  }

  /** Lower admits more calls. */
  private static int rank(BreakerState state) {
    return switch (state) {
      case DISABLED -> 0;
      case CLOSED -> 1;
      case HALF_OPEN -> 2;
      case OPEN -> 3;
      case FORCED_OPEN -> 4;
    };
  }

  Future<Void> close() {
    return Future.all(events.unregister(), snapshots.unregister()).mapEmpty();
  }
}
