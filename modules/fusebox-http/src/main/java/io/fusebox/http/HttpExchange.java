package io.fusebox.http;

import io.fusebox.adapter.DependencyTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One request and its response under a deadline that the exchange keeps itself, so that the pooled
 * connection always comes back.
 *
 * <ul>
 *   <li>A request that holds a connection when the deadline passes closes it, whether the server
 *       hangs or the client broke while writing (Netty refusing what it was asked to encode, say):
 *       with Vert.x 5.0.7 a request whose write failed inside Netty keeps its connection taken after
 *       a reset, for good, while a closed connection always leaves the pool.
 *   <li>A request still waiting for a connection at the deadline is answered then, and closes the
 *       connection the pool hands it later, unsent: an aborted request was seen to keep its
 *       connection after a long outage, starving the pool once the dependency was back. (Rare: the
 *       adapter's {@link RequestGate} sends no more requests than the pool has connections.)
 *   <li>The pool's own acquisition timeout ({@code RequestOptions#setConnectTimeout}, which WebClient's
 *       {@code timeout} also sets) is not used: in Vert.x 5.0.7 its timer can fire for a waiter the
 *       pool is handing a connection given back on another event loop, completing that waiter twice
 *       ("Promise already completed" from the pool, logged as an unhandled exception) and losing the
 *       connection; fixed in Vert.x 5.1.3 (eclipse-vertx/vert.x#6169). {@code PoolHandOverRaceTest}
 *       forces it step by step (the waiter's loop standing still past its deadline while the
 *       connection is given back on another loop) and {@code PoolWaiterRaceTest} under load; a paused
 *       node (a long GC, SIGSTOP) makes it likely, since every timer and every given-back connection
 *       then come due together.
 * </ul>
 *
 * @param <T> what the response is turned into
 */
final class HttpExchange<T> {

  private final Promise<T> result = Promise.promise();
  private HttpClientRequest request;

  private HttpExchange() {
  }

  /**
   * Sends {@code options} with {@code body} (null for none) and reads the whole response into
   * {@code read}; fails with {@link DependencyTimeoutException} at {@code timeoutMillis}.
   */
  static <T> Future<T> run(Vertx vertx, HttpClient client, RequestOptions options, Buffer body, long timeoutMillis,
      Function<Response, T> read) {
    HttpExchange<T> exchange = new HttpExchange<>();
    long timer = vertx.setTimer(Math.max(1, timeoutMillis), id -> exchange.expire(timeoutMillis));
    client.request(options).onComplete(ar -> {
      if (ar.failed()) {
        exchange.fail(ar.cause(), timeoutMillis);
      } else {
        exchange.send(ar.result(), body, read, timeoutMillis);
      }
    });
    return exchange.result.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  private void send(HttpClientRequest sent, Buffer body, Function<Response, T> read, long timeoutMillis) {
    request = sent;
    // the failure reaches the result through the response future; without a handler Vert.x would
    // also log it as unhandled
    request.exceptionHandler(e -> fail(e, timeoutMillis));
    if (result.future().isComplete()) {
      abandon();
      return;
    }
    Future<HttpClientResponse> response;
    try {
      response = body == null ? request.send() : request.send(body);
    } catch (RuntimeException broken) {
      fail(broken, timeoutMillis);
      abandon();
      return;
    }
    response.compose(r -> r.body().map(b -> new Response(r, b)))
        .onComplete(ar -> {
          if (ar.failed()) {
            fail(ar.cause(), timeoutMillis);
            return;
          }
          T value;
          try {
            value = read.apply(ar.result());
          } catch (RuntimeException unreadable) {
            fail(unreadable, timeoutMillis);
            return;
          }
          result.tryComplete(value);
        });
  }

  private void expire(long timeoutMillis) {
    if (result.tryFail(new DependencyTimeoutException("no HTTP response within " + timeoutMillis + " ms"))
        && request != null) {
      abandon();
    }
  }

  /** Gives the connection up: the pool opens a fresh one in its place. */
  private void abandon() {
    request.connection().close();
  }

  /** A client-side timeout (the connection's idle timeout) is a timeout too. */
  private void fail(Throwable cause, long timeoutMillis) {
    if (cause instanceof TimeoutException) {
      result.tryFail(new DependencyTimeoutException("no HTTP response within " + timeoutMillis + " ms"));
    } else {
      result.tryFail(cause);
    }
  }

  /** A response with its whole body read. */
  record Response(HttpClientResponse response, Buffer body) {
  }
}
