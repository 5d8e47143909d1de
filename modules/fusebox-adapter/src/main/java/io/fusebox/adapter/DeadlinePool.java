package io.fusebox.adapter;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A pool of connections to one dependency that knows which call holds which connection, so that a
 * call past its deadline can throw its connection away instead of handing it back: a connection
 * that lost a reply (a black-holed database, a frozen server) cannot be trusted with the next
 * command, and keeping it taken until the operating system gives up on the socket would starve the
 * pool for minutes.
 *
 * <p>At most {@code maxSize} connections are open or being opened; a call waits for one at most
 * until its own deadline, and at most {@code maxWaiting} calls wait. Used from one event loop (the
 * breaker verticle's): no locks.
 *
 * @param <C> a physical connection
 */
public final class DeadlinePool<C> {

  /** Opens and closes the physical connections. */
  public interface Connector<C> {
    Future<C> open();

    /** Closes it for good; the pool has already forgotten it. */
    void close(C connection);

    /** Calls {@code onClosed} when the server or the network closes the connection. */
    void onClosed(C connection, Runnable onClosed);

    /** Asks the server to stop what it runs on this connection, which is about to be closed. */
    default void interrupt(C connection) {
    }

    /**
     * Whether a connection can serve another call after its call failed this way: yes when the
     * server answered with an error, no when the connection itself broke (the peer closed it...).
     */
    boolean survives(Throwable failure);
  }

  /** What a call does with its connection; {@code expired} turns true when its deadline passed. */
  public interface Work<C, T> {
    Future<T> run(C connection, BooleanSupplier expired);
  }

  private final Vertx vertx;
  private final Connector<C> connector;
  private final int maxSize;
  private final int maxWaiting;
  private final long connectTimeoutMillis;
  private final Deque<C> idle = new ArrayDeque<>();
  private final Deque<Waiter<C>> waiting = new ArrayDeque<>();
  /** Leased connections that the peer closed: they leave the pool when their call ends. */
  private final Set<C> dead = new HashSet<>();
  /** Connections open, leased or idle, plus those being opened. */
  private int size;
  private int opening;
  private boolean closed;

  /**
   * @param connectTimeoutMillis an opening connection that takes longer fails the call waiting
   *     longest (as a refused connection would); the attempt keeps its place in the pool until it
   *     settles, so a black-holed server never has more than {@code maxSize} connections from us
   */
  public DeadlinePool(Vertx vertx, Connector<C> connector, int maxSize, int maxWaiting, long connectTimeoutMillis) {
    this.vertx = vertx;
    this.connector = connector;
    this.maxSize = maxSize;
    this.maxWaiting = maxWaiting;
    this.connectTimeoutMillis = connectTimeoutMillis;
  }

  /** One call's hold on one connection; exactly one of {@link #release()} and {@link #discard()} counts. */
  public final class Lease {
    private final C connection;
    private boolean done;

    private Lease(C connection) {
      this.connection = connection;
    }

    public C connection() {
      return connection;
    }

    /** Hands the connection to the next waiting call, or keeps it idle. */
    public void release() {
      if (!done) {
        done = true;
        offer(connection);
      }
    }

    /** Closes the connection; the pool opens a fresh one when a call needs it. */
    public void discard() {
      if (!done) {
        done = true;
        forget(connection);
      }
    }
  }

  private static final class Waiter<C> {
    final Promise<C> promise = Promise.promise();
    long timer;
  }

  /**
   * A connection within {@code timeoutMillis}, or a {@link DependencyTimeoutException}; fails at once
   * when {@code maxWaiting} calls already wait.
   */
  public Future<Lease> acquire(long timeoutMillis) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the pool is closed"));
    }
    C ready = idle.pollFirst();
    if (ready != null) {
      return Future.succeededFuture(new Lease(ready));
    }
    if (waiting.size() >= maxWaiting) {
      return Future.failedFuture(new IllegalStateException(maxSize + " connections in use and " + maxWaiting
          + " calls waiting for one"));
    }
    Waiter<C> waiter = new Waiter<>();
    waiting.addLast(waiter);
    waiter.timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> {
      if (waiting.remove(waiter)) {
        waiter.promise.fail(new DependencyTimeoutException("no connection within " + timeoutMillis + " ms"));
      }
    });
    grow();
    return waiter.promise.future().map(Lease::new);
  }

  /** Opens connections while more calls wait than are being opened for, and the pool has room. */
  private void grow() {
    while (!closed && size < maxSize && opening < waiting.size()) {
      size++;
      opening++;
      long slow = vertx.setTimer(Math.max(1, connectTimeoutMillis), id -> failLongestWaiting(
          new DependencyUnreachableException("no connection to the dependency within " + connectTimeoutMillis + " ms")));
      connector.open().onComplete(ar -> {
        vertx.cancelTimer(slow);
        opening--;
        if (ar.failed()) {
          size--;
          // the dependency cannot be reached: the longest waiting call learns it now, not at its deadline
          failLongestWaiting(ar.cause());
          return;
        }
        C connection = ar.result();
        connector.onClosed(connection, () -> onClosedByPeer(connection));
        offer(connection);
      });
    }
  }

  private void failLongestWaiting(Throwable cause) {
    Waiter<C> first = waiting.pollFirst();
    if (first != null) {
      vertx.cancelTimer(first.timer);
      first.promise.fail(cause);
    }
  }

  private void onClosedByPeer(C connection) {
    if (idle.remove(connection)) {
      size--;
      grow();
    } else {
      dead.add(connection);
    }
  }

  private void offer(C connection) {
    if (dead.remove(connection)) {
      size--;
      grow();
      return;
    }
    if (closed) {
      forget(connection);
      return;
    }
    Waiter<C> next = waiting.pollFirst();
    if (next == null) {
      idle.addLast(connection);
    } else {
      vertx.cancelTimer(next.timer);
      next.promise.complete(connection);
    }
  }

  private void forget(C connection) {
    dead.remove(connection);
    size--;
    connector.close(connection);
    grow();
  }

  /**
   * Runs {@code work} on a connection under a deadline: at {@code timeoutMillis} the call fails with a
   * {@link DependencyTimeoutException}, whatever the dependency does; a connection it held is
   * interrupted and closed (never handed to another call), and its late result is dropped.
   */
  public <T> Future<T> run(long timeoutMillis, Work<C, T> work) {
    Promise<T> result = Promise.promise();
    List<Lease> held = new ArrayList<>(1);
    long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> {
      if (result.tryFail(new DependencyTimeoutException("no answer within " + timeoutMillis + " ms")) && !held.isEmpty()) {
        connector.interrupt(held.get(0).connection());
        held.get(0).discard();
      }
    });
    acquire(timeoutMillis).onComplete(acquired -> {
      if (acquired.failed()) {
        vertx.cancelTimer(timer);
        result.tryFail(acquired.cause());
        return;
      }
      Lease lease = acquired.result();
      if (result.future().isComplete()) {
        lease.release();
        return;
      }
      held.add(lease);
      Future<T> done;
      try {
        done = work.run(lease.connection(), () -> result.future().isComplete());
      } catch (RuntimeException bug) {
        done = Future.failedFuture(bug);
      }
      done.onComplete(ar -> {
        if (result.future().isComplete()) {
          return;
        }
        vertx.cancelTimer(timer);
        if (ar.succeeded() || connector.survives(ar.cause())) {
          lease.release();
        } else {
          lease.discard();
        }
        result.handle(ar);
      });
    });
    return result.future();
  }

  /** Connections open or being opened, for tests and snapshots. */
  public int size() {
    return size;
  }

  /** Closes the idle connections and every leased one as it comes back; fails the waiting calls. */
  public void close() {
    closed = true;
    for (C connection = idle.pollFirst(); connection != null; connection = idle.pollFirst()) {
      size--;
      connector.close(connection);
    }
    for (Waiter<C> waiter = waiting.pollFirst(); waiter != null; waiter = waiting.pollFirst()) {
      vertx.cancelTimer(waiter.timer);
      waiter.promise.fail(new IllegalStateException("the pool is closed"));
    }
  }
}
