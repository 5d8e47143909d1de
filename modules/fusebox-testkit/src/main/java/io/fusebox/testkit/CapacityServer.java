package io.fusebox.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local HTTP dependency with a real capacity: {@code slots} requests are served at once, each
 * taking the service time (± 10%), and the rest wait in arrival order, so that its latency rises
 * with its load as a database's or a thread-pooled service's does. Its throughput is
 * {@code slots / serviceTime}; beyond it, only the queue grows. Requests a caller gave up on while
 * they waited are dropped from the queue when their turn comes, as a server would find their
 * connection closed. Runs on one event loop.
 */
public final class CapacityServer {

  /** The dependency the overload, retry-storm and brownout benchmarks simulate: 16 slots of 25 ms, 640/s. */
  public static final int BENCHMARK_SLOTS = 16;
  public static final int BENCHMARK_SERVICE_MILLIS = 25;

  private final HttpServer server;
  private final int slots;
  private final long serviceMillis;
  private final ArrayDeque<HttpServerRequest> queue = new ArrayDeque<>();
  private int busy;
  private final AtomicLong arrived = new AtomicLong();
  private final AtomicLong served = new AtomicLong();
  private final Vertx vertx;
  /** Fails of what it serves, in [0, 1]: a brownout in between, an outage at 1. */
  private volatile double failing;

  private CapacityServer(Vertx vertx, int slots, long serviceMillis) {
    this.vertx = vertx;
    this.slots = slots;
    this.serviceMillis = serviceMillis;
    this.server = vertx.createHttpServer().requestHandler(this::arrive);
  }

  /** A server of {@code slots} slots whose requests each take {@code serviceMillis}, on a free port. */
  public static Future<CapacityServer> start(Vertx vertx, int slots, long serviceMillis) {
    CapacityServer dependency = new CapacityServer(vertx, slots, serviceMillis);
    return dependency.server.listen(0, "127.0.0.1").map(s -> dependency);
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Requests served each second at most: its true capacity. */
  public double capacityPerSecond() {
    return slots * 1000.0 / serviceMillis;
  }

  public int slots() {
    return slots;
  }

  /**
   * From now on, answers this share of requests 503 at once, without taking a slot: 1 is an outage
   * (a dependency that refuses every call), 0 a healthy server.
   */
  public CapacityServer failing(double share) {
    this.failing = share;
    return this;
  }

  /** Requests that reached the server, served or not. */
  public long arrived() {
    return arrived.get();
  }

  /** Requests answered after their service time. */
  public long served() {
    return served.get();
  }

  private void arrive(HttpServerRequest request) {
    arrived.incrementAndGet();
    double share = failing;
    if (share > 0 && (share >= 1 || ThreadLocalRandom.current().nextDouble() < share)) {
      request.response().setStatusCode(503).end();
    } else if (busy < slots) {
      serve(request);
    } else {
      request.pause();
      queue.addLast(request);
    }
  }

  private void serve(HttpServerRequest request) {
    busy++;
    request.resume();
    long jitter = Math.max(1, serviceMillis / 10);
    long millis = Math.max(1, serviceMillis + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
    vertx.setTimer(millis, id -> {
      if (!request.response().closed()) {
        served.incrementAndGet();
        request.response().end("{\"ok\":true}");
      }
      busy--;
      serveNext();
    });
  }

  private void serveNext() {
    while (busy < slots && !queue.isEmpty()) {
      HttpServerRequest next = queue.pollFirst();
      if (!next.response().closed()) {
        serve(next);
      }
    }
  }

  public Future<Void> close() {
    return server.close();
  }
}
