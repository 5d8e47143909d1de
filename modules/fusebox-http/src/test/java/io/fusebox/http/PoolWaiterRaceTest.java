package io.fusebox.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.BreakerHarness;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The race behind "Promise already completed" from the HTTP client's pool, seen on a node resumed
 * after a pause: in Vert.x 5.0.7 a connection given back on one event loop can be handed to a
 * waiter of another loop whose acquisition timeout ({@code RequestOptions#setConnectTimeout}) fires
 * before the hand-over reaches it; the timer fails the waiter, the hand-over then completes it again
 * (logged as an unhandled exception) and the connection it carried is never given back. Here one
 * client is driven from four event loops with deadlines of a few milliseconds, each loop also
 * standing still now and then, as a paused node's do: {@link HttpExchange}, which keeps its own
 * deadline and leaves the pool's timer unset, answers every request and keeps every connection. With
 * that timer set, the pool lost its connections within a second here; {@link PoolHandOverRaceTest}
 * forces the race step by step.
 */
class PoolWaiterRaceTest {

  private static final int POOL = 8;
  private static final int LOOPS = 4;
  private static final int IN_FLIGHT_PER_LOOP = 20;

  private final Vertx upstream = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(LOOPS)
      .setBlockedThreadCheckInterval(60_000));
  private final AtomicInteger unhandled = new AtomicInteger();
  private final AtomicBoolean driving = new AtomicBoolean(true);
  private HttpServer server;
  private HttpClient client;
  private String drivers;

  @BeforeEach
  void start() {
    server = BreakerHarness.await(upstream.createHttpServer()
        .requestHandler(request -> upstream.setTimer(1 + ThreadLocalRandom.current().nextLong(3),
            id -> request.response().end("ok")))
        .listen(0, "127.0.0.1"));
    client = vertx.createHttpClient(
        new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()),
        new PoolOptions().setHttp1MaxSize(POOL).setMaxWaitQueueSize(-1));
    vertx.exceptionHandler(e -> unhandled.incrementAndGet());
  }

  /** The drivers go first: their timers stall the loops. */
  @AfterEach
  void stop() {
    driving.set(false);
    if (drivers != null) {
      BreakerHarness.await(vertx.undeploy(drivers));
    }
    BreakerHarness.await(upstream.close());
    BreakerHarness.await(vertx.close());
  }

  @Test
  void exchangesOnSeveralEventLoopsWithDeadlinesOfMillisecondsAreAnsweredOnceAndKeepTheirConnections() {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    drive(timeout -> {
      started.incrementAndGet();
      return HttpExchange.run(vertx, client, new RequestOptions().setURI("/"), null, timeout,
          response -> response.body().toString()).onComplete(ar -> answered.incrementAndGet());
    });
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > 20_000);
    driving.set(false);

    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(answered).hasValue(started.get()));
    assertThat(unhandled.get()).as("unhandled exceptions (a pool waiter completed twice)").isZero();
    // the requests that waited in the pool past their deadline are let in and closed one after the
    // other; once they are through, every connection serves again (one lost to the race would leave
    // fewer than POOL, and some of these would time out)
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> everyConnectionServes());
  }

  private boolean everyConnectionServes() {
    List<Future<String>> calls = new ArrayList<>();
    for (int i = 0; i < 4 * POOL; i++) {
      calls.add(HttpExchange.run(vertx, client, new RequestOptions().setURI("/after"), null, 2_000,
          response -> response.body().toString()));
    }
    return BreakerHarness.await(Future.join(calls).transform(ar -> Future.succeededFuture(ar.succeeded())));
  }

  /**
   * Keeps {@link #IN_FLIGHT_PER_LOOP} requests going on each of the event loops, each with a deadline
   * of 1 – 8 ms, and blocks each loop for 20 ms every 100 ms, so that deadlines, waiters and given-back
   * connections come due together, as on a node that resumes.
   */
  private void drive(LongFunction<Future<?>> request) {
    drivers = BreakerHarness.await(vertx.deployVerticle(() -> new AbstractVerticle() {
      @Override
      public void start() {
        for (int i = 0; i < IN_FLIGHT_PER_LOOP; i++) {
          next(request);
        }
        vertx.setPeriodic(100, id -> BreakerHarness.stall(20));
      }

      private void next(LongFunction<Future<?>> request) {
        if (driving.get()) {
          request.apply(1 + ThreadLocalRandom.current().nextLong(8)).onComplete(ar -> next(request));
        }
      }
    }, new DeploymentOptions().setInstances(LOOPS)));
  }
}
