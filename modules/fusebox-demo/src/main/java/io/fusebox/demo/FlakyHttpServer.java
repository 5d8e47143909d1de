package io.fusebox.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP server on loopback whose behaviour a test (or the demo) changes while it runs:
 * healthy, failing some or all requests with 500, slow, or hanging without ever answering.
 *
 * <p>{@code GET /status/404} (any code) answers that code whatever the mode, for classification
 * tests. Every other request answers {@code {"ok":true,"path":...,"request":n}} when healthy.
 */
public final class FlakyHttpServer {

  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private volatile double errorRate;
  private volatile long latencyMillis;
  private volatile boolean hang;
  private volatile String lastTraceparent;

  private FlakyHttpServer(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  /** Starts on a free loopback port. */
  public static Future<FlakyHttpServer> start(Vertx vertx) {
    return start(vertx, "127.0.0.1", 0);
  }

  public static Future<FlakyHttpServer> start(Vertx vertx, String host, int port) {
    FlakyHttpServer flaky = new FlakyHttpServer(vertx);
    return flaky.server.listen(port, host).map(s -> flaky);
  }

  /**
   * Runs the server in a JVM of its own, for tests that pause the dependency's process:
   * {@code FlakyHttpServer <port> [latency ms]}. Prints {@code listening on <port>} once it listens.
   */
  public static void main(String[] args) {
    long latency = args.length > 1 ? Long.parseLong(args[1]) : 0;
    start(Vertx.vertx(), "127.0.0.1", Integer.parseInt(args[0]))
        .onSuccess(flaky -> {
          flaky.latency(Duration.ofMillis(latency));
          System.out.println("listening on " + flaky.port());
        })
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  private void handle(HttpServerRequest request) {
    long n = requests.incrementAndGet();
    List<String> traceparents = request.headers().getAll("traceparent");
    if (!traceparents.isEmpty()) {
      lastTraceparent = String.join(", ", traceparents);
    }
    if (request.path().startsWith("/status/")) {
      int status = Integer.parseInt(request.path().substring("/status/".length()));
      request.response().setStatusCode(status).end(new JsonObject().put("status", status).encode());
      return;
    }
    if (hang) {
      return;
    }
    boolean fail = errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate;
    long latency = latencyMillis;
    request.body().onComplete(body -> {
      Runnable answer = () -> answer(request, n, fail, body.succeeded() ? body.result().toString() : "");
      if (latency > 0) {
        vertx.setTimer(latency, id -> answer.run());
      } else {
        answer.run();
      }
    });
  }

  private static void answer(HttpServerRequest request, long n, boolean fail, String echo) {
    request.response().putHeader("content-type", "application/json");
    if (fail) {
      request.response().setStatusCode(500).end(new JsonObject().put("error", "injected failure").encode());
    } else {
      request.response().end(new JsonObject().put("ok", true).put("path", request.path())
          .put("method", request.method().name()).put("query", request.query()).put("request", n)
          .put("echo", echo).encode());
    }
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Answers every request at once. */
  public FlakyHttpServer healthy() {
    errorRate = 0;
    latencyMillis = 0;
    hang = false;
    return this;
  }

  /** Answers this share of requests, in [0, 1], with 500. */
  public FlakyHttpServer errorRate(double rate) {
    errorRate = rate;
    return this;
  }

  public double errorRate() {
    return errorRate;
  }

  public FlakyHttpServer failAll() {
    return errorRate(1.0);
  }

  /** Delays every answer. */
  public FlakyHttpServer latency(Duration latency) {
    latencyMillis = latency.toMillis();
    return this;
  }

  public long latencyMillis() {
    return latencyMillis;
  }

  /** Accepts requests and never answers them. */
  public FlakyHttpServer hang() {
    hang = true;
    return this;
  }

  /** Requests received since start. */
  public long requests() {
    return requests.get();
  }

  /** The last {@code traceparent} header received (several joined by ", "), or null. */
  public String lastTraceparent() {
    return lastTraceparent;
  }

  public Future<Void> close() {
    return server.close();
  }
}
