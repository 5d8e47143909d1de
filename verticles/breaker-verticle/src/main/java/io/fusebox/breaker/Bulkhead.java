package io.fusebox.breaker;

import java.util.ArrayDeque;

/**
 * Bounds a breaker's work: {@code max_concurrent_calls} in flight, then up to
 * {@code max_wait_queue} waiting in arrival order; beyond that, calls are refused. Owned by the
 * breaker verticle's event loop.
 */
final class Bulkhead {

  private int maxConcurrent;
  private int maxWaiting;
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private int inFlight;

  Bulkhead(int maxConcurrent, int maxWaiting) {
    this.maxConcurrent = maxConcurrent;
    this.maxWaiting = maxWaiting;
  }

  /**
   * New bounds for later calls: calls beyond them already in flight or waiting keep their place,
   * and fewer start until they are within them.
   */
  void resize(int maxConcurrent, int maxWaiting) {
    this.maxConcurrent = maxConcurrent;
    this.maxWaiting = maxWaiting;
  }

  /** Whether no call is in flight or waiting. */
  boolean idle() {
    return inFlight == 0 && waiting.isEmpty();
  }

  boolean hasSlot() {
    return inFlight < maxConcurrent;
  }

  void occupy() {
    inFlight++;
  }

  void free() {
    inFlight--;
  }

  /** Queues the call; false when the queue is full too. */
  boolean enqueue(Call call) {
    if (waiting.size() >= maxWaiting) {
      return false;
    }
    waiting.addLast(call);
    return true;
  }

  /** The next waiting call when a slot is free, or null. */
  Call next() {
    return hasSlot() ? waiting.pollFirst() : null;
  }

  void remove(Call call) {
    waiting.remove(call);
  }

  /** Empties the queue, for an undeploy that answers every waiting call. */
  ArrayDeque<Call> drainWaiting() {
    ArrayDeque<Call> all = new ArrayDeque<>(waiting);
    waiting.clear();
    return all;
  }
}
