package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.SnapshotBoard;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reporter alone, on a real event loop: what it publishes, and what survives a restart. */
class BreakerReporterTest {

  private final Vertx vertx = Vertx.vertx();
  private final OnEventLoop loop = new OnEventLoop(vertx);
  private final NodeServices services = NodeServices.metrics(new SimpleMeterRegistry());
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final List<JsonObject> snapshots = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    BreakerTestSupport.await(vertx.close());
  }

  private record Parts(CircuitBreaker breaker, FallbackLedger ledger, BreakerReporter reporter) {
  }

  private Parts parts() {
    return loop.call(() -> {
      CircuitBreaker breaker = new CircuitBreaker("orders", BreakerTestSupport.quiet().consecutiveFailures(1)
          .openTimeout(Duration.ofSeconds(30)).build(), CoarseClock.shared());
      FallbackLedger ledger = new FallbackLedger(List.of("static"));
      ClusterHold alone = new ClusterHold(vertx, "orders", "n1", breaker, null, 60_000);
      BreakerReporter reporter = new BreakerReporter(vertx, "orders", "n1", "http", BreakerTestSupport.quiet().build(),
          Duration.ofSeconds(1), breaker, new BreakerMeters(services.registry(), "orders", "n1", List.of("static")), ledger, alone, services);
      breaker.addListener(reporter::transition);
      return new Parts(breaker, ledger, reporter);
    });
  }

  @Test
  void aTransitionIsPublishedWithTheSnapshotItChanged() {
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> events.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, m -> snapshots.add(m.body()));
    Parts p = parts();
    loop.run(() -> {
      p.ledger().answered("static");
      p.breaker().onFailure(p.breaker().tryAcquire(), 1_000_000);
    });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty() && !snapshots.isEmpty());
    assertThat(events.get(0).getString("to")).isEqualTo("open");
    assertThat(events.get(0).getJsonObject("window").getInteger("failures")).isEqualTo(1);
    JsonObject snapshot = snapshots.get(0);
    assertThat(snapshot.getString("state")).isEqualTo("open");
    assertThat(snapshot.getString("node")).isEqualTo("n1");
    assertThat(snapshot.getJsonObject("fallback")).isEqualTo(new JsonObject().put("enabled", true)
        .put("types", new JsonArray().add("static")).put("executions", new JsonObject().put("static", 1)));
    assertThat(snapshot.getJsonObject("calls").getLong("fallback")).isEqualTo(1);
    assertThat(snapshot.containsKey("verdict")).as("no cluster verdict, no key").isFalse();
  }

  @Test
  void aQuietBreakerRepublishesItsSnapshotEverySecondIntervalAndAChangedOneAtOnce() {
    List<String> sequences = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, m -> {
      sequences.add(m.headers().get(SnapshotBoard.SEQUENCE_HEADER));
      snapshots.add(m.body());
    });
    Parts p = parts();
    loop.run(() -> p.reporter().publishSnapshot());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> snapshots.size() == 1);

    for (int interval = 1; interval <= 4; interval++) {
      loop.run(() -> p.reporter().publishPeriodic());
    }
    Awaitility.await("the sign of life of intervals 2 and 4").atMost(Duration.ofSeconds(5))
        .until(() -> snapshots.size() == 3);
    loop.run(() -> {
      p.breaker().onSuccess(p.breaker().tryAcquire(), 1_000_000);
      p.reporter().publishPeriodic();
    });
    Awaitility.await("the changed snapshot, at the next interval").atMost(Duration.ofSeconds(5))
        .until(() -> snapshots.size() == 4);
    assertThat(snapshots.get(3).getJsonObject("calls").getLong("success")).isEqualTo(1);
    assertThat(sequences.subList(0, 3)).as("a sign of life: the same snapshot, the same number").doesNotContainNull()
        .containsOnly(sequences.get(0));
    assertThat(sequences.get(3)).as("a changed snapshot, a new number").isNotEqualTo(sequences.get(0));
    assertThat(snapshots.get(1)).isEqualTo(snapshots.get(0));
    loop.run(() -> p.reporter().publishPeriodic());
    Awaitility.await("no snapshot for an unchanged breaker").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> snapshots.size() == 4);
    loop.run(() -> p.reporter().publishPeriodic());
    Awaitility.await("the sign of life of a breaker with calls in its window").atMost(Duration.ofSeconds(5))
        .until(() -> snapshots.size() == 5);
    assertThat(sequences.get(4)).as("rebuilt, found equal, and sent under its number").isEqualTo(sequences.get(3));
  }

  @Test
  void anOpenBreakerAndTheFallbackSwitchSurviveARestart() {
    Parts before = parts();
    loop.run(() -> {
      before.ledger().enabled(false);
      before.breaker().onFailure(before.breaker().tryAcquire(), 1_000_000);
    });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        BreakerTestSupport.await(services.store().load("orders", "n1")) != null);
    Parts after = parts();
    long openFor = BreakerTestSupport.await(loop.call(() -> after.reporter().restore()));
    assertThat(openFor).isBetween(25_000L, 30_000L);
    assertThat(loop.call(() -> after.breaker().state())).isEqualTo(BreakerState.OPEN);
    assertThat(loop.call(() -> after.ledger().enabled())).isFalse();
  }

  @Test
  void nothingSavedMeansNothingRestored() {
    Parts fresh = parts();
    assertThat(BreakerTestSupport.await(loop.call(() -> fresh.reporter().restore()))).isEqualTo(-1L);
    assertThat(loop.call(() -> fresh.breaker().state())).isEqualTo(BreakerState.CLOSED);
  }
}
