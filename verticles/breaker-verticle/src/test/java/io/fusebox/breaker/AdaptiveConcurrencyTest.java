package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.BadRequestException;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.Headers;
import io.fusebox.testkit.CapacityServer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A breaker with an adaptive concurrency limit in front of a dependency of 8 slots, offered far more
 * calls than it can serve: the limit settles near the slots, what it cannot take is shed at once
 * with 429 {@code overloaded} and a {@code retry_after_ms}, and the snapshot and the metrics show it.
 */
class AdaptiveConcurrencyTest extends BreakerTestSupport {

  private static final int SLOTS = 8;

  private void deployAdaptive(String name, CapacityServer dependency) {
    BreakerConfig config = quiet().callTimeout(Duration.ofSeconds(2)).adaptiveConcurrency(true).initialLimit(4)
        .minLimit(2).maxLimit(200).build();
    FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default", config,
        Map.of("type", "http", "base_url", dependency.baseUrl(), "pool_size", 256), List.of());
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-test", SNAPSHOT_INTERVAL, services())));
  }

  @Test
  void theLimitSettlesNearTheDependencysSlotsAndTheRestIsShedWithARetryAfter() {
    CapacityServer dependency = await(CapacityServer.start(vertx, SLOTS, 20));
    deployAdaptive("search", dependency);
    ConcurrentLinkedQueue<FuseboxError> shed = new ConcurrentLinkedQueue<>();
    AtomicInteger succeeded = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    // 64 callers, each sending its next call as soon as the last is answered: 8x what the slots take
    for (int i = 0; i < 64; i++) {
      vertx.runOnContext(v -> callLoop("search", stop, succeeded, shed));
    }
    try {
      Awaitility.await("the limit near the dependency's 8 slots").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        JsonObject concurrency = latestSnapshot("search").getJsonObject("concurrency");
        assertThat(concurrency.getString("type")).isEqualTo("adaptive");
        assertThat(concurrency.getInteger("limit")).isBetween(SLOTS - 1, SLOTS + 3);
        assertThat(concurrency.getDouble("no_load_ms")).isBetween(15.0, 30.0);
      });
    } finally {
      stop.set(true);
    }
    assertThat(succeeded.get()).isPositive();
    FuseboxError first = shed.peek();
    assertThat(first).as("a call shed").isNotNull();
    assertThat(first.code()).isEqualTo(ErrorCode.OVERLOADED);
    assertThat(first.retryAfterMillis()).as("about one round trip").isBetween(1L, 500L);
    assertThat(first.detail()).contains("adaptive concurrency limit is full");
    Awaitility.await("the limit in the metrics").untilAsserted(() -> {
      assertThat(registry.get("circuit_breaker_concurrency_limit").tag("name", "search").gauge().value())
          .isBetween(SLOTS - 1.0, SLOTS + 3.0);
      assertThat(registry.get("circuit_breaker_concurrency_inflight").tag("name", "search").gauge().value())
          .isGreaterThanOrEqualTo(0.0);
    });
    assertThat(latestSnapshot("search").getJsonObject("calls").getLong("failure"))
        .as("shedding counts for nothing against the dependency").isZero();
  }

  private void callLoop(String breaker, AtomicBoolean stop, AtomicInteger succeeded, ConcurrentLinkedQueue<FuseboxError> shed) {
    if (stop.get()) {
      return;
    }
    vertx.eventBus().request(Addresses.call(breaker), new JsonObject().put("path", "/")).onComplete(ar -> {
      if (ar.succeeded()) {
        succeeded.incrementAndGet();
      } else if (ar.cause() instanceof ReplyException re) {
        FuseboxError error = FuseboxError.parse(re.failureCode(), re.getMessage());
        if (error.code() == ErrorCode.OVERLOADED && shed.size() < 100) {
          shed.add(error);
        }
      }
      // a shed caller comes back on the next loop turn, not at once, so that the test's loop stays responsive
      vertx.setTimer(1, id -> callLoop(breaker, stop, succeeded, shed));
    });
  }

  @Test
  void aPriorityThatIsNoneOfTheThreeIsABadRequestThatCountsForNothing() {
    CapacityServer dependency = await(CapacityServer.start(vertx, SLOTS, 20));
    deployAdaptive("ranked", dependency);
    Throwable refused = failure(client.call("ranked", new JsonObject().put("path", "/"),
        new DeliveryOptions().addHeader(Headers.PRIORITY, "urgent")));

    assertThat(refused).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("fusebox-priority must be critical, normal or sheddable (got 'urgent')");
    assertThat(dependency.arrived()).isZero();
    assertThat(await(client.call("ranked", new JsonObject().put("path", "/"),
        new DeliveryOptions().addHeader(Headers.PRIORITY, "critical"))).body().getInteger("status")).isEqualTo(200);
  }
}
