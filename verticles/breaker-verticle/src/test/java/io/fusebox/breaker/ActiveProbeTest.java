package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.adapter.Adapters;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.demo.FlakyHttpServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The active probe alone, on a real event loop, checking a real HTTP server through the HTTP adapter. */
class ActiveProbeTest {

  private final Vertx vertx = Vertx.vertx();
  private final OnEventLoop loop = new OnEventLoop(vertx);
  private final FlakyHttpServer upstream = BreakerTestSupport.await(FlakyHttpServer.start(vertx));
  private CircuitBreaker breaker;
  private ActiveProbe probe;

  @AfterEach
  void close() {
    BreakerTestSupport.await(vertx.close());
  }

  /** A breaker just gone half-open, with the probe loop started as the verticle starts it. */
  private void halfOpen() {
    loop.run(() -> {
      DependencyAdapter adapter = Adapters.factory("http").create(vertx,
          new JsonObject().put("type", "http").put("base_url", upstream.baseUrl()));
      breaker = new CircuitBreaker("probed", BreakerTestSupport.quiet().consecutiveFailures(1).successThreshold(2)
          .openTimeout(Duration.ofMillis(50)).build(), CoarseClock.shared());
      probe = new ActiveProbe(vertx, breaker, adapter, Duration.ofMillis(50), 1000);
      breaker.addListener(t -> {
        if (t.to() == BreakerState.HALF_OPEN) {
          probe.onHalfOpen();
        }
      });
      breaker.onFailure(breaker.tryAcquire(), 1_000_000);
    });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> loop.call(() -> {
      breaker.tick();
      return breaker.state() != BreakerState.OPEN;
    }));
  }

  @Test
  void healthyChecksCloseTheBreakerWithoutACaller() {
    halfOpen();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> loop.call(() -> breaker.state()) == BreakerState.CLOSED);
    assertThat(upstream.requests()).as("health checks sent").isGreaterThanOrEqualTo(2);
  }

  @Test
  void aFailingCheckReopensAndTheLoopGoesOnInTheNextHalfOpenPeriod() {
    upstream.failAll();
    halfOpen();
    // each failed check reopens one backoff level up; the ticks stand in for the verticle's timers
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> loop.call(() -> {
      breaker.tick();
      return breaker.snapshot().backoffLevel();
    }) >= 2);
    upstream.healthy();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> loop.call(() -> {
      breaker.tick();
      return breaker.state() == BreakerState.CLOSED;
    }));
  }

  @Test
  void aStoppedProbeChecksNoMore() {
    upstream.failAll();
    halfOpen();
    loop.run(() -> probe.stop());
    long sent = upstream.requests();
    Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> upstream.requests() <= sent + 1);
  }
}
