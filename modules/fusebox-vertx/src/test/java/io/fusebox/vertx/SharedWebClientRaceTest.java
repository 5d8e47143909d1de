package io.fusebox.vertx;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.detectorsOff;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.BreakerHarness;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One WebClient shared by breakers on four event loops, with call timeouts of a few milliseconds
 * and each loop standing still now and then, as a node resumed after a pause does: with the
 * whole-request timeout that {@link FuseboxWebClient} used to set, Vert.x 5.0.7's pool completed a
 * waiter twice within a second ("Promise already completed", logged as unhandled) and lost the
 * connection; with the idle timeout it sets now, every call is answered once and every connection
 * comes back.
 */
class SharedWebClientRaceTest {

  private static final int LOOPS = 4;
  private static final int POOL = 8;

  private final Vertx upstream = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(LOOPS)
      .setBlockedThreadCheckInterval(60_000));
  private final AtomicBoolean driving = new AtomicBoolean(true);

  @AfterEach
  void stop() {
    driving.set(false);
    // the upstream first: its connections closing give back any a race could have lost
    await(upstream.close());
    await(vertx.close());
  }

  @Test
  void breakersOnSeveralEventLoopsSharingOneWebClientAnswerEveryCallOnceAndKeepItsConnections() {
    AtomicInteger unhandled = new AtomicInteger();
    vertx.exceptionHandler(e -> unhandled.incrementAndGet());
    HttpServer server = await(upstream.createHttpServer()
        .requestHandler(r -> upstream.setTimer(1 + ThreadLocalRandom.current().nextLong(3), id -> r.response().end("ok")))
        .listen(0, "127.0.0.1"));
    WebClient shared = WebClient.create(vertx, new WebClientOptions().setDefaultPort(server.actualPort()),
        new PoolOptions().setHttp1MaxSize(POOL).setMaxWaitQueueSize(-1));
    AtomicInteger started = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger breakers = new AtomicInteger();
    await(vertx.deployVerticle(() -> new AbstractVerticle() {
      private FuseboxWebClient client;

      @Override
      public void start() {
        int n = breakers.incrementAndGet();
        FuseboxBreaker breaker = FuseboxBreaker.create(vertx, "shared-" + n,
            detectorsOff().callTimeout(Duration.ofMillis(1 + 2L * n)).build(), new FuseboxBreakerOptions().publish(false));
        client = FuseboxWebClient.wrap(shared, breaker);
        for (int i = 0; i < 20; i++) {
          next();
        }
        vertx.setPeriodic(100, id -> BreakerHarness.stall(20));
      }

      private void next() {
        if (driving.get()) {
          started.incrementAndGet();
          client.send(shared.get("/")).onComplete(ar -> {
            answered.incrementAndGet();
            next();
          });
        }
      }
    }, new DeploymentOptions().setInstances(LOOPS)));

    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > 20_000);
    driving.set(false);

    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(answered).hasValue(started.get()));
    assertThat(unhandled.get()).as("unhandled exceptions (a pool waiter completed twice)").isZero();
    // once the requests still queued in the pool are through, all POOL connections serve again
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> everyConnectionServes(shared));
  }

  private static boolean everyConnectionServes(WebClient client) {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 4 * POOL; i++) {
      calls.add(client.get("/after").idleTimeout(2_000).send());
    }
    return await(Future.join(calls).transform(ar -> Future.succeededFuture(ar.succeeded())));
  }
}
