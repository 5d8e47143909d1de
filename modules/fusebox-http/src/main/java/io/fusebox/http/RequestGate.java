package io.fusebox.http;

import io.fusebox.adapter.DependencyTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Lets at most as many requests into Vert.x's connection pool as it has connections; the others
 * wait here, in order, each until its own deadline, and one whose deadline passes leaves the queue
 * and never touches a connection.
 *
 * <p>Why not let them wait in the pool: a request still waiting there at its deadline cannot be
 * withdrawn (Vert.x 5.0.7 has no cancel for a pending acquisition, and the pool's own acquisition
 * timeout can complete a waiter twice), so it is answered and closes, unsent, the connection the
 * pool hands it later. When a dependency hangs, every queued call expires at once and the pool then
 * opens and closes a connection per dead waiter: hundreds of TCP connections in a burst, which the
 * reliability suite saw stall a node for over 100 ms. Here a dead waiter costs a queue removal.
 *
 * <p>A waiter with less than a tenth of its time left when a connection frees up is answered with a
 * timeout instead of being let in: the calls that wait behind a hung dependency were queued within
 * milliseconds of the ones holding the connections, so they would otherwise be let in one pool-full
 * after another with a few milliseconds left, each opening a connection only to close it.
 *
 * <p>Used from the breaker verticle's event loop only: no locks.
 */
final class RequestGate {

  private final Vertx vertx;
  private final int limit;
  private final ArrayDeque<Waiter<?>> waiting = new ArrayDeque<>();
  private int inside;

  RequestGate(Vertx vertx, int limit) {
    this.vertx = vertx;
    this.limit = limit;
  }

  /**
   * Runs {@code request} with the milliseconds left of {@code timeoutMillis} once fewer than
   * {@code limit} requests are inside; fails with {@link DependencyTimeoutException} if the deadline
   * passes first.
   */
  <T> Future<T> enter(long timeoutMillis, LongFunction<Future<T>> request) {
    if (inside < limit && waiting.isEmpty()) {
      return run(request, timeoutMillis);
    }
    Waiter<T> waiter = new Waiter<>(request, timeoutMillis);
    waiting.addLast(waiter);
    waiter.timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> {
      if (waiting.remove(waiter)) {
        waiter.promise.fail(new DependencyTimeoutException("no connection free within " + timeoutMillis + " ms"));
      }
    });
    return waiter.promise.future();
  }

  int waiting() {
    return waiting.size();
  }

  private <T> Future<T> run(LongFunction<Future<T>> request, long timeoutMillis) {
    inside++;
    Future<T> result;
    try {
      result = request.apply(timeoutMillis);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.andThen(ar -> {
      inside--;
      admitNext();
    });
  }

  private void admitNext() {
    while (inside < limit && !waiting.isEmpty()) {
      Waiter<?> next = waiting.pollFirst();
      vertx.cancelTimer(next.timer);
      long left = TimeUnit.NANOSECONDS.toMillis(next.deadlineNanos - System.nanoTime());
      if (left * 10 < next.timeoutMillis) {
        next.expire();
      } else {
        next.admit(left);
      }
    }
  }

  private final class Waiter<T> {
    final LongFunction<Future<T>> request;
    final long deadlineNanos;
    final long timeoutMillis;
    final Promise<T> promise = Promise.promise();
    long timer;

    Waiter(LongFunction<Future<T>> request, long timeoutMillis) {
      this.request = request;
      this.timeoutMillis = timeoutMillis;
      this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    void admit(long left) {
      run(request, left).onComplete(promise);
    }

    void expire() {
      promise.fail(new DependencyTimeoutException("no connection free within " + timeoutMillis * 9 / 10
          + " ms, too late to send the request in the " + timeoutMillis + " ms it had"));
    }
  }
}
