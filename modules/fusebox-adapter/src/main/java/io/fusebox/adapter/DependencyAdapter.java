package io.fusebox.adapter;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Runs operations against one dependency through the connection pool it owns, on the event loop
 * of the breaker verticle that created it. It never blocks.
 */
public interface DependencyAdapter {

  /** Why the operation cannot run on this dependency, or null when it can. */
  String invalid(JsonObject operation);

  /**
   * Names the result of a read, so that a cache can hold it: the same key for operations that read
   * the same thing. Null for a write, which is never cached and is refused in read-only mode; by
   * default every operation counts as a write.
   */
  default String readKey(JsonObject operation) {
    return null;
  }

  /**
   * Whether the operation is safe to run twice, so that the breaker may retry it: a read (GET and
   * HEAD, SELECT, Redis read commands, gRPC methods not in {@code write_methods}) is.
   */
  default boolean idempotent(JsonObject operation) {
    return readKey(operation) != null;
  }

  /**
   * Runs a valid operation. The future completes with the classified result, or fails with a
   * {@link DependencyTimeoutException} when the deadline passes, or with any other exception when
   * the dependency could not be reached (counted as a failure). When the deadline passes the adapter
   * gives back the pooled resource the call held; its late result is dropped.
   *
   * @param timeoutMillis the call's remaining deadline
   * @param traceparent the W3C trace context to pass on to the dependency, or null: the caller's
   *     when tracing is off, the breaker span's when it is on and the client does not trace itself
   */
  Future<CallResult> call(JsonObject operation, long timeoutMillis, String traceparent);

  /**
   * Whether this adapter's client carries the Vert.x trace on to the dependency by itself when
   * tracing is on, as the Vert.x HTTP client does; if not, the breaker hands it a traceparent.
   */
  default boolean tracesItself() {
    return false;
  }

  /**
   * A cheap protocol-native health check (an HTTP GET of the health path, {@code SELECT 1},
   * {@code PING}, the gRPC health service), for active recovery probes: succeeds when the
   * dependency looks healthy.
   */
  Future<Void> probe(long timeoutMillis);

  /**
   * Completes once the adapter can judge operations: the breaker takes no call before, so that a
   * malformed one is answered 400 from the very first call. By default it is ready when made.
   */
  default Future<Void> ready() {
    return Future.succeededFuture();
  }

  /**
   * A dependency of several members (hosts, replicas): {@code {"members": [{"member", "state",
   * "ejections", "calls", "back_in_ms"}], "panics"}} for the breaker's snapshot; null, the default,
   * for a dependency of one.
   */
  default JsonObject pool() {
    return null;
  }

  /** Closes the pool; by default there is none to close. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
