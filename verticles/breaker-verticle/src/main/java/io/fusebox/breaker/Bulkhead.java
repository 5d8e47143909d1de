package io.fusebox.breaker;

import io.fusebox.core.AdaptiveLimit;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.Priority;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * Bounds a breaker's work: a concurrency limit of calls in flight, then a queue of waiting calls;
 * beyond that, calls are refused. The limit is {@code max_concurrent_calls}, or, with
 * {@code overload.concurrency.type: adaptive}, an {@link AdaptiveLimit} whose queue holds at most
 * half as many calls as the limit (about half a round trip of waiting, so that what is admitted is
 * answered within twice the dependency's own latency). Waiting calls start by priority: a
 * priority running below its guaranteed share first, then the more important. A full queue makes
 * room for a call by pushing out the newest waiting call of a lower rank. Owned by the breaker
 * verticle's event loop.
 */
final class Bulkhead {

  private static final Priority[] PRIORITIES = Priority.all();

  private int maxConcurrent;
  private int maxWaiting;
  private BreakerConfig.Shares shares;
  /** Null when the limit is static. */
  private AdaptiveLimit adaptive;
  /** By priority; each made at its first waiting call, as most breakers only ever see one priority. */
  @SuppressWarnings("unchecked")
  private final ArrayDeque<Call>[] waiting = new ArrayDeque[PRIORITIES.length];
  private int waitingCount;
  private final int[] inFlightBy = new int[PRIORITIES.length];
  private int inFlight;

  Bulkhead(BreakerConfig config, long now) {
    resize(config, now);
  }

  /**
   * New bounds for later calls: calls beyond them already in flight or waiting keep their place,
   * and fewer start until they are within them. An adaptive limit already measuring keeps what it
   * learned unless its bounds changed.
   */
  void resize(BreakerConfig config, long now) {
    this.maxConcurrent = config.bulkhead().maxConcurrentCalls();
    this.maxWaiting = config.bulkhead().maxWaitQueue();
    BreakerConfig.Concurrency concurrency = config.overload().concurrency();
    this.shares = concurrency.shares();
    if (!concurrency.adaptive()) {
      adaptive = null;
    } else if (adaptive == null || !adaptive.hasBounds(concurrency.minLimit(), concurrency.maxLimit(),
        concurrency.probeInterval().toNanos())) {
      adaptive = new AdaptiveLimit(concurrency.initialLimit(), concurrency.minLimit(), concurrency.maxLimit(),
          concurrency.probeInterval().toNanos(), now);
    }
  }

  /** Null when the limit is static. */
  AdaptiveLimit adaptive() {
    return adaptive;
  }

  /**
   * What the snapshot's {@code concurrency} shows of an adaptive limit; null for a static one,
   * whose figures are its configuration.
   */
  JsonObject adaptiveFigures() {
    if (adaptive == null) {
      return null;
    }
    return new JsonObject()
        .put("type", "adaptive")
        .put("limit", adaptive.estimate())
        .put("inflight", inFlight)
        .put("waiting", waitingCount)
        .put("no_load_ms", adaptive.noLoadNanos() / 1e6)
        .put("recent_ms", adaptive.recentNanos() / 1e6)
        .put("probing", adaptive.probing());
  }

  int limit() {
    return adaptive == null ? maxConcurrent : adaptive.limit();
  }

  private int waitLimit() {
    return adaptive == null ? maxWaiting : Math.min(maxWaiting, Math.max(1, adaptive.limit() / 2));
  }

  int inFlight() {
    return inFlight;
  }

  int waiting() {
    return waitingCount;
  }

  /** Whether no call is in flight or waiting. */
  boolean idle() {
    return inFlight == 0 && waitingCount == 0;
  }

  boolean hasSlot() {
    return inFlight < limit();
  }

  void occupy(Call call) {
    inFlight++;
    inFlightBy[call.priority.ordinal()]++;
    if (adaptive != null) {
      adaptive.started(inFlight);
    }
  }

  /**
   * The call's slot is free again; {@code measured}: it ran to a result or its deadline, so its
   * round trip says something of the dependency's load.
   */
  void free(Call call, boolean measured, long now) {
    inFlight--;
    inFlightBy[call.priority.ordinal()]--;
    if (measured && adaptive != null) {
      adaptive.sample(call.startNanos, now - call.startNanos, now);
    }
  }

  /** An attempt of the call ended and another follows in the same slot: its round trip still counts. */
  void measured(Call call, long now) {
    if (adaptive != null) {
      adaptive.sample(call.startNanos, now - call.startNanos, now);
    }
  }

  /**
   * Queues the call, pushing out a waiting call of lower rank when the queue is full. Returns the
   * call that is refused for it: null when none, the call itself when every waiting call ranks as
   * high, or the waiting call pushed out.
   */
  Call enqueue(Call call) {
    if (waitingCount < waitLimit()) {
      add(call);
      return null;
    }
    Priority lowest = null;
    for (Priority p : PRIORITIES) {
      if (hasWaiting(p) && (lowest == null || rank(p) < rank(lowest))) {
        lowest = p;
      }
    }
    if (lowest == null || rank(lowest) >= rank(call.priority)) {
      return call;
    }
    Call out = waiting[lowest.ordinal()].pollLast();
    waitingCount--;
    add(call);
    return out;
  }

  private void add(Call call) {
    int i = call.priority.ordinal();
    if (waiting[i] == null) {
      waiting[i] = new ArrayDeque<>();
    }
    waiting[i].addLast(call);
    waitingCount++;
  }

  private boolean hasWaiting(Priority p) {
    return waiting[p.ordinal()] != null && !waiting[p.ordinal()].isEmpty();
  }

  /** A priority below its guaranteed share outranks every one at or above its own; then importance. */
  private int rank(Priority p) {
    boolean belowShare = inFlightBy[p.ordinal()] < shares.of(p) * limit();
    return (belowShare ? PRIORITIES.length : 0) + PRIORITIES.length - 1 - p.ordinal();
  }

  /** The next waiting call when a slot is free, or null. */
  Call next() {
    if (waitingCount == 0 || !hasSlot()) {
      return null;
    }
    Priority first = null;
    for (Priority p : PRIORITIES) {
      if (hasWaiting(p) && (first == null || rank(p) > rank(first))) {
        first = p;
      }
    }
    waitingCount--;
    return waiting[first.ordinal()].pollFirst();
  }

  void remove(Call call) {
    ArrayDeque<Call> queue = waiting[call.priority.ordinal()];
    if (queue != null && queue.remove(call)) {
      waitingCount--;
    }
  }

  /** Empties the queue, for an undeploy that answers every waiting call. */
  ArrayDeque<Call> drainWaiting() {
    ArrayDeque<Call> all = new ArrayDeque<>(waitingCount);
    for (ArrayDeque<Call> queue : waiting) {
      if (queue != null) {
        all.addAll(queue);
        queue.clear();
      }
    }
    waitingCount = 0;
    return all;
  }
}
