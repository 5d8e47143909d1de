package io.fusebox.reliability;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local HTTP dependency whose health the scenario sets: an error rate, a latency distribution
 * (uniform between two bounds, with a share of calls at a tail latency), all calls failing, all calls
 * hanging, and a capacity beyond which it answers 503 at once. It counts what reaches it and notes
 * when it first misbehaved after a change, so that a scenario can time the breaker against it.
 */
final class SimulatedDependency {

  /** What the dependency does with each request. */
  record Behaviour(String name, double errorRate, int minMillis, int maxMillis, double tailShare, int tailMillis,
      boolean hang) {

    /** The seed's healthy-but-noisy dependency: 2% errors, 5-50 ms, 0.1% of calls at 1 s. */
    static Behaviour noisy() {
      return new Behaviour("noisy", 0.02, 5, 50, 0.001, 1000, false);
    }

    static Behaviour steady(int millis) {
      return new Behaviour("ok", 0, millis, millis, 0, 0, false);
    }

    static Behaviour failing() {
      return new Behaviour("5xx", 1.0, 1, 1, 0, 0, false);
    }

    static Behaviour hanging() {
      return new Behaviour("hang", 0, 0, 0, 0, 0, true);
    }

    static Behaviour slow(int millis) {
      return new Behaviour("slow", 0, millis, millis, 0, 0, false);
    }

    boolean bad() {
      return hang || errorRate >= 1.0;
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Hung requests whose connection the caller has not closed yet, and the most there were at once. */
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger maxHeld = new AtomicInteger();
  private volatile Behaviour behaviour = Behaviour.steady(5);
  private volatile int capacity;
  /** System.nanoTime() of the first failed or hung request since the behaviour last turned bad; 0 before. */
  private final AtomicLong firstBadNanos = new AtomicLong();
  private volatile long requestsAtChange;

  private SimulatedDependency(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  static Future<SimulatedDependency> start(Vertx vertx) {
    SimulatedDependency dependency = new SimulatedDependency(vertx);
    return dependency.server.listen(0, "127.0.0.1").map(s -> dependency);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Changes what the dependency does from now on; requests already held keep their fate. */
  SimulatedDependency behave(Behaviour next) {
    requestsAtChange = requests.get();
    firstBadNanos.set(0);
    behaviour = next;
    return this;
  }

  SimulatedDependency capacity(int maxInFlight) {
    this.capacity = maxInFlight;
    return this;
  }

  Behaviour behaviour() {
    return behaviour;
  }

  long requests() {
    return requests.get();
  }

  /** Requests that reached the dependency since its behaviour last changed. */
  long requestsSinceChange() {
    return requests.get() - requestsAtChange;
  }

  /** The most hung requests this dependency held at once: the calls a hang kept pending on it. */
  int maxHeld() {
    return maxHeld.get();
  }

  long firstBadNanos() {
    return firstBadNanos.get();
  }

  private void handle(HttpServerRequest request) {
    requests.incrementAndGet();
    Behaviour b = behaviour;
    if (b.hang()) {
      firstBadNanos.compareAndSet(0, System.nanoTime());
      maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
      request.connection().closeHandler(v -> held.decrementAndGet());
      return;
    }
    int limit = capacity;
    if (limit > 0 && inFlight.get() >= limit) {
      request.response().setStatusCode(503).end("{\"error\":\"over capacity\"}");
      return;
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean fail = b.errorRate() > 0 && random.nextDouble() < b.errorRate();
    if (fail && b.bad()) {
      firstBadNanos.compareAndSet(0, System.nanoTime());
    }
    long latency = b.tailShare() > 0 && random.nextDouble() < b.tailShare() ? b.tailMillis()
        : b.minMillis() + (b.maxMillis() > b.minMillis() ? random.nextInt(b.maxMillis() - b.minMillis() + 1) : 0);
    inFlight.incrementAndGet();
    request.body().onComplete(body -> {
      Runnable answer = () -> {
        inFlight.decrementAndGet();
        request.response().putHeader("content-type", "application/json");
        if (fail) {
          request.response().setStatusCode(500).end("{\"error\":\"simulated failure\"}");
        } else {
          request.response().end(new JsonObject().put("ok", true).put("path", request.path()).encode());
        }
      };
      if (latency > 0) {
        vertx.setTimer(latency, id -> answer.run());
      } else {
        answer.run();
      }
    });
  }

  Future<Void> close() {
    return server.close();
  }
}
