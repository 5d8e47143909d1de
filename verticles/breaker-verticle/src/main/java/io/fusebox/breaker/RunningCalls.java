package io.fusebox.breaker;

import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * The calls a breaker verticle is running, oldest first, in an intrusive list so that adding and
 * removing a call allocates nothing, and the timers that end them at their deadlines.
 *
 * <p>Calls that use the breaker's own {@code call_timeout} reach their deadlines in the order they
 * started, so one timer, armed for the oldest, serves them all: that is one timer per timeout period
 * instead of one per call. A call with a shorter deadline of its own keeps a timer of its own.
 */
final class RunningCalls {

  private final Vertx vertx;
  private final Consumer<Call> onDeadline;
  private Call oldest;
  private Call newest;
  /** The timer armed for the oldest call's deadline, or {@link Call#NO_TIMER}. */
  private long sharedTimer = Call.NO_TIMER;

  /** @param onDeadline ends a call whose deadline passed; it removes the call */
  RunningCalls(Vertx vertx, Consumer<Call> onDeadline) {
    this.vertx = vertx;
    this.onDeadline = onDeadline;
  }

  void add(Call call, long nowNanos) {
    call.previous = newest;
    call.next = null;
    if (newest == null) {
      oldest = call;
    } else {
      newest.next = call;
    }
    newest = call;
    if (call.ownDeadline) {
      call.timerId = vertx.setTimer(call.remainingMillis(nowNanos), id -> onDeadline.accept(call));
    } else if (sharedTimer == Call.NO_TIMER) {
      armSharedTimer();
    }
  }

  void remove(Call call) {
    if (call.previous == null && oldest != call) {
      return;
    }
    if (call.previous == null) {
      oldest = call.next;
    } else {
      call.previous.next = call.next;
    }
    if (call.next == null) {
      newest = call.previous;
    } else {
      call.next.previous = call.previous;
    }
    call.previous = null;
    call.next = null;
  }

  Call oldest() {
    return oldest;
  }

  private void armSharedTimer() {
    sharedTimer = oldest == null ? Call.NO_TIMER
        : vertx.setTimer(oldest.remainingMillis(System.nanoTime()), id -> expireOverdue());
  }

  /** Ends every call whose deadline has passed, oldest first, then re-arms for the next. */
  private void expireOverdue() {
    long now = System.nanoTime();
    for (Call call = oldest; call != null && call.deadlineNanos <= now + 500_000; call = oldest) {
      onDeadline.accept(call);
      remove(call);
    }
    armSharedTimer();
  }
}
