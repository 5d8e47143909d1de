package io.fusebox.vertx;

import io.fusebox.http.StatusPatterns;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * A {@link WebClient} whose requests go through a breaker, classified by status as the HTTP adapter
 * does: {@code 5xx} responses are failures, {@code 4xx} the caller's (counted as ignored), the rest
 * successes; a response is handed back whatever it counts as.
 *
 * <p>The breaker answers every call by its call timeout. A request that sets no timeout of its own
 * gets the call timeout as its idle timeout, so a connection whose server has gone silent goes back
 * to the pool by then. It does not get the whole-request {@code timeout}, which also arms the pool's
 * acquisition timeout: in Vert.x 5.0.7 that timer can fire for a waiter the pool is just handing a
 * connection to another event loop, and the waiter is completed twice ("Promise already completed",
 * logged as unhandled) and the connection is never given back (fixed in Vert.x 5.1.3). A WebClient
 * shared by breakers or verticles on several event loops met it within a second under load. The
 * price: a request still waiting for a pooled connection at its deadline is answered by the breaker
 * then, but stays in the pool's queue and is sent when a connection frees, as any request whose
 * caller gave up; size the client's pool for the breaker's concurrency to keep that queue empty.
 *
 * <pre>{@code
 * FuseboxBreaker breaker = FuseboxBreaker.create(vertx, "catalog");
 * FuseboxWebClient catalog = FuseboxWebClient.wrap(WebClient.create(vertx), breaker);
 * catalog.send(catalog.client().get(9000, "127.0.0.1", "/items")).onSuccess(response -> ...);
 * }</pre>
 */
public final class FuseboxWebClient {

  private final WebClient client;
  private final FuseboxBreaker breaker;
  private final Classifier classifier;

  private FuseboxWebClient(WebClient client, FuseboxBreaker breaker, StatusPatterns failures, StatusPatterns ignored) {
    this.client = client;
    this.breaker = breaker;
    this.classifier = (result, failure) -> {
      if (failure != null) {
        return Outcome.FAILURE;
      }
      int status = result instanceof HttpResponse<?> response ? response.statusCode() : 200;
      return failures.contains(status) ? Outcome.FAILURE : ignored.contains(status) ? Outcome.IGNORED : Outcome.SUCCESS;
    };
  }

  /** With the HTTP adapter's defaults: {@code 5xx} failures, {@code 4xx} ignored. */
  public static FuseboxWebClient wrap(WebClient client, FuseboxBreaker breaker) {
    return wrap(client, breaker, StatusPatterns.DEFAULT_FAILURES, StatusPatterns.DEFAULT_IGNORED);
  }

  /** @param failures e.g. {@code new StatusPatterns(List.of("5xx", 429))}, as {@code failure_statuses} */
  public static FuseboxWebClient wrap(WebClient client, FuseboxBreaker breaker, StatusPatterns failures,
      StatusPatterns ignored) {
    return new FuseboxWebClient(client, breaker, failures, ignored);
  }

  /** The client to build requests with. */
  public WebClient client() {
    return client;
  }

  public FuseboxBreaker breaker() {
    return breaker;
  }

  public Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> request) {
    HttpRequest<Buffer> bounded = bounded(request);
    return breaker.execute(bounded::send, classifier);
  }

  public Future<HttpResponse<Buffer>> sendJson(HttpRequest<Buffer> request, Object body) {
    HttpRequest<Buffer> bounded = bounded(request);
    return breaker.execute(() -> bounded.sendJson(body), classifier);
  }

  public Future<HttpResponse<Buffer>> sendBuffer(HttpRequest<Buffer> request, Buffer body) {
    HttpRequest<Buffer> bounded = bounded(request);
    return breaker.execute(() -> bounded.sendBuffer(body), classifier);
  }

  @SuppressWarnings("deprecation")
  private HttpRequest<Buffer> bounded(HttpRequest<Buffer> request) {
    if (request.timeout() > 0 || request.idleTimeout() > 0) {
      return request;
    }
    return request.idleTimeout(breaker.callTimeoutMillis());
  }
}
