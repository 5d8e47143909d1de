package io.fusebox.vertx;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.detectorsOff;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerState;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.PublishedSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An in-process breaker as the platform sees it: its events, snapshots, admin actions and meters. */
class InProcessReportingTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final List<JsonObject> snapshots = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private FuseboxBreaker listenedTo(String name, FuseboxBreakerOptions options) {
    await(vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body())).completion());
    await(vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, m -> snapshots.add(m.body())).completion());
    return FuseboxBreaker.create(vertx, name, detectorsOff().consecutiveFailures(2).consecutiveFailuresNoiseAware(false)
        .openTimeout(Duration.ofSeconds(30)).build(), options.snapshotInterval(Duration.ofMillis(100)));
  }

  @Test
  void publishesSnapshotsMarkedInProcessAndItsTransitions() {
    FuseboxBreaker breaker = listenedTo("inventory", new FuseboxBreakerOptions().node("node-x").dependency("http"));
    Awaitility.await().until(() -> snapshots.stream().anyMatch(s -> PublishedSnapshot.isOf(s, "inventory")));
    PublishedSnapshot first = PublishedSnapshot.fromJson(snapshots.get(0));
    assertThat(first.kind()).isEqualTo(PublishedSnapshot.IN_PROCESS);
    assertThat(first.node()).isEqualTo("node-x");
    assertThat(first.dependency()).isEqualTo("http");

    failure(breaker.execute(() -> Future.failedFuture(new IllegalStateException("down"))));
    failure(breaker.execute(() -> Future.failedFuture(new IllegalStateException("down"))));
    Awaitility.await().until(() -> events.stream().anyMatch(e -> "open".equals(e.getString("to"))));
    JsonObject opened = events.stream().filter(e -> "open".equals(e.getString("to"))).findFirst().orElseThrow();
    assertThat(opened.getString("breaker")).isEqualTo("inventory");
    assertThat(opened.getString("reason")).startsWith("consecutive_failures");
    Awaitility.await().until(() -> snapshots.stream().map(PublishedSnapshot::fromJson)
        .anyMatch(s -> s.state() == BreakerState.OPEN && s.core().failureCalls() == 2));
  }

  @Test
  void obeysAdminActionsSentToItsName() {
    FuseboxBreaker breaker = listenedTo("ledger", new FuseboxBreakerOptions());
    Awaitility.await().until(() -> !snapshots.isEmpty());
    vertx.eventBus().publish(Addresses.adminApply("ledger"), new JsonObject().put("action", "force_open"));
    Awaitility.await().until(() -> breaker.state() == BreakerState.FORCED_OPEN);
    assertThat(failure(breaker.execute(() -> Future.succeededFuture("x")))).isInstanceOf(CircuitOpenException.class);

    vertx.eventBus().publish(Addresses.adminApply("ledger"), new JsonObject().put("action", "fallback_off"));
    Awaitility.await().until(() -> snapshots.stream().map(PublishedSnapshot::fromJson)
        .anyMatch(s -> !s.fallback().enabled()));
    assertThat(failure(breaker.executeWithFallback(() -> Future.succeededFuture("x"), e -> "fallback")))
        .as("fallbacks switched off").isInstanceOf(CircuitOpenException.class);

    vertx.eventBus().publish(Addresses.adminApply("ledger"), new JsonObject().put("action", "close"));
    Awaitility.await().until(() -> breaker.state() == BreakerState.CLOSED);
    assertThat(await(breaker.execute(() -> Future.succeededFuture("x")))).isEqualTo("x");
  }

  @Test
  void feedsTheMetersFromItsSnapshots() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FuseboxBreaker breaker = listenedTo("billing", new FuseboxBreakerOptions().registry(registry));
    for (int i = 0; i < 5; i++) {
      await(breaker.execute(() -> Future.succeededFuture("paid")));
    }
    failure(breaker.execute(() -> Future.failedFuture(new IllegalStateException("down"))));
    Awaitility.await().until(() -> registry.find("circuit_breaker_requests").tag("name", "billing")
        .tag("result", "success").functionCounter() != null
        && registry.find("circuit_breaker_requests").tag("name", "billing").tag("result", "success").functionCounter().count() == 5
        && registry.find("circuit_breaker_requests").tag("name", "billing").tag("result", "failure").functionCounter().count() == 1);
    await(breaker.close());
    assertThat(registry.find("circuit_breaker_requests").tag("name", "billing").functionCounters())
        .as("closing the breaker takes its meters out").isEmpty();
  }

  @Test
  void breakersOfOneNameInOneVertxReportApart() {
    FuseboxBreaker first = listenedTo("twin", new FuseboxBreakerOptions().node("n"));
    FuseboxBreaker second = FuseboxBreaker.create(vertx, "twin", first.config(), new FuseboxBreakerOptions().node("n")
        .snapshotInterval(Duration.ofMillis(100)));
    assertThat(first.node()).isEqualTo("n");
    assertThat(second.node()).isEqualTo("n#2");
    Awaitility.await().until(() -> snapshots.stream().filter(s -> PublishedSnapshot.isOf(s, "twin"))
        .map(s -> s.getString("node")).distinct().count() == 2);
    await(first.close());
    FuseboxBreaker third = FuseboxBreaker.create(vertx, "twin", first.config(), new FuseboxBreakerOptions().node("n"));
    assertThat(third.node()).as("a closed breaker's label is free again").isEqualTo("n");
  }

  @Test
  void aPrivateBreakerSaysNothingOnTheBus() {
    FuseboxBreaker breaker = listenedTo("private", new FuseboxBreakerOptions().publish(false));
    failure(breaker.execute(() -> Future.failedFuture(new IllegalStateException("down"))));
    failure(breaker.execute(() -> Future.failedFuture(new IllegalStateException("down"))));
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    io.fusebox.testkit.BreakerHarness.holdsFor(Duration.ofMillis(400), () -> snapshots.isEmpty() && events.isEmpty());
  }
}
