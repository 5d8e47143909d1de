package io.fusebox.protocol;

import io.fusebox.core.BreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The caller's copy of every breaker instance's state, fed by {@code fusebox.events} and
 * {@code fusebox.snapshots}, so that reading a state costs a map lookup instead of a round trip.
 *
 * <p>A breaker may run on several nodes; its state here is the most permissive of its instances
 * heard from within the time-to-live, since a call can reach any of them. Safe to read from any
 * thread.
 */
final class StateMirror {

  /** @param answeredByFallback the instance has an enabled fallback chain, so a rejection may still answer */
  private record Instance(BreakerState state, long retryAtMillis, boolean answeredByFallback, long heardAtMillis) {
  }

  private final Map<String, Map<String, Instance>> breakers = new ConcurrentHashMap<>();
  private final long ttlMillis;
  private final MessageConsumer<JsonObject> events;
  private final MessageConsumer<JsonObject> snapshots;

  StateMirror(Vertx vertx, long ttlMillis) {
    this.ttlMillis = ttlMillis;
    events = vertx.eventBus().consumer(Addresses.EVENTS, m -> hearTransition(m.body()));
    snapshots = vertx.eventBus().consumer(Addresses.SNAPSHOTS, m -> hearSnapshot(m.body()));
  }

  Future<Void> ready() {
    return Future.all(events.completion(), snapshots.completion()).mapEmpty();
  }

  private void hearSnapshot(JsonObject json) {
    try {
      PublishedSnapshot s = PublishedSnapshot.fromJson(json);
      hear(s.breaker(), s.node(), s.state(), s.core().retryAtEpochMillis(), s.fallback().answers());
    } catch (IllegalArgumentException unreadable) {
      // a newer node's snapshot this client cannot read is simply not mirrored
    }
  }

  private void hearTransition(JsonObject json) {
    try {
      TransitionJson.Heard t = TransitionJson.read(json);
      hear(t.breaker(), t.node(), t.to(), 0, null);
    } catch (IllegalArgumentException unreadable) {
      // likewise
    }
  }

  /** @param hasFallback null when the message does not say (a transition event): keep what was heard */
  private void hear(String breaker, String node, BreakerState state, long retryAt, Boolean hasFallback) {
    Map<String, Instance> instances = breakers.computeIfAbsent(breaker, b -> new ConcurrentHashMap<>());
    Instance before = instances.get(node);
    boolean fallback = hasFallback != null ? hasFallback : before != null && before.answeredByFallback;
    instances.put(node, new Instance(state, retryAt, fallback, System.currentTimeMillis()));
  }

  /** The most permissive state among the breaker's live instances, or null when none was heard. */
  BreakerState state(String breaker) {
    Map<String, Instance> instances = breakers.get(breaker);
    if (instances == null) {
      return null;
    }
    long now = System.currentTimeMillis();
    BreakerState best = null;
    for (Instance i : instances.values()) {
      if (now - i.heardAtMillis <= ttlMillis && (best == null || rank(i.state) < rank(best))) {
        best = i.state;
      }
    }
    return best;
  }

  /**
   * How long every live instance of the breaker will go on rejecting without a fallback to answer,
   * in milliseconds, or 0 when a call might be answered somewhere.
   */
  long rejectingForMillis(String breaker) {
    Map<String, Instance> instances = breakers.get(breaker);
    if (instances == null) {
      return 0;
    }
    long now = System.currentTimeMillis();
    long soonest = Long.MAX_VALUE;
    boolean anyLive = false;
    for (Instance i : instances.values()) {
      if (now - i.heardAtMillis > ttlMillis) {
        continue;
      }
      anyLive = true;
      if (i.answeredByFallback) {
        return 0;
      } else if (i.state == BreakerState.FORCED_OPEN) {
        soonest = Math.min(soonest, ttlMillis);
      } else if (i.state == BreakerState.OPEN && i.retryAtMillis > now) {
        soonest = Math.min(soonest, i.retryAtMillis - now);
      } else {
        return 0;
      }
    }
    return anyLive ? soonest : 0;
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
