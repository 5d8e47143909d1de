package io.fusebox.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusebox.core.BreakerState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The caller's side of the protocol against a consumer that answers as a breaker would: replies and
 * errors decoded, and the state mirror fed by what instances publish.
 */
class FuseboxClientTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private FuseboxClient client(FuseboxClientOptions options) {
    FuseboxClient client = FuseboxClient.create(vertx, options);
    client.ready().await();
    return client;
  }

  private void publish(String breaker, String node, BreakerState state, long retryAt, boolean fallback) {
    vertx.eventBus().publish(Addresses.SNAPSHOTS, Snapshots.of(breaker, node, state, retryAt, fallback).toJson());
  }

  @Test
  void aBreakersStateIsTheMostPermissiveOfItsLiveInstances() {
    FuseboxClient client = client(new FuseboxClientOptions().setMirrorTtl(Duration.ofMillis(400)));
    assertThat(client.state("pay")).as("never heard").isNull();
    publish("pay", "n1", BreakerState.OPEN, System.currentTimeMillis() + 10_000, false);
    Awaitility.await().until(() -> client.state("pay") == BreakerState.OPEN);
    publish("pay", "n2", BreakerState.HALF_OPEN, 0, false);
    Awaitility.await().until(() -> client.state("pay") == BreakerState.HALF_OPEN);
    vertx.eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "transition").put("breaker", "pay")
        .put("node", "n1").put("from", "open").put("to", "closed").put("reason", "r").put("at", 1L));
    Awaitility.await().until(() -> client.state("pay") == BreakerState.CLOSED);
    Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> client.state("pay") == null);
  }

  @Test
  void anInstanceThatFallsSilentStopsCountingWhileTheOthersStillReport() {
    FuseboxClient client = client(new FuseboxClientOptions().setMirrorTtl(Duration.ofMillis(1000)));
    publish("pay", "quiet", BreakerState.CLOSED, 0, false);
    long reporting = vertx.setPeriodic(50, id -> publish("pay", "loud", BreakerState.OPEN,
        System.currentTimeMillis() + 10_000, false));
    Awaitility.await().until(() -> client.state("pay") == BreakerState.CLOSED);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> client.state("pay") == BreakerState.OPEN);
    vertx.cancelTimer(reporting);
  }

  @Test
  void anInstanceWhoseSnapshotIntervalIsLongCountsForAsLongAsItMayGoQuiet() {
    FuseboxClient client = client(new FuseboxClientOptions().setMirrorTtl(Duration.ofMillis(200)));
    // an interval of 300 ms: a quiet instance repeats itself every 600 ms, and counts for 1,200
    vertx.eventBus().publish(Addresses.SNAPSHOTS, Snapshots.of("slow", "n1", BreakerState.OPEN,
        System.currentTimeMillis() + 10_000, false).toJson(),
        new DeliveryOptions().addHeader(SnapshotBoard.INTERVAL_HEADER, "300"));
    Awaitility.await().until(() -> client.state("slow") == BreakerState.OPEN);
    long heard = System.nanoTime();
    Awaitility.await().pollInterval(Duration.ofMillis(20)).during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(1))
        .until(() -> client.state("slow") == BreakerState.OPEN);
    Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> client.state("slow") == null);
    assertThat(Duration.ofNanos(System.nanoTime() - heard)).isGreaterThanOrEqualTo(Duration.ofMillis(1100));
  }

  @Test
  void failFastRejectsLocallyOnlyWhileEveryLiveInstanceRejectsWithoutAFallback() {
    AtomicInteger reached = new AtomicInteger();
    MessageConsumer<JsonObject> breaker = vertx.eventBus().consumer(Addresses.call("pay"), m -> {
      reached.incrementAndGet();
      m.reply(new JsonObject().put("ok", true));
    });
    breaker.completion().await();
    FuseboxClient client = client(new FuseboxClientOptions().setFailFast(true));
    publish("pay", "n1", BreakerState.OPEN, System.currentTimeMillis() + 10_000, false);
    Awaitility.await().until(() -> client.state("pay") == BreakerState.OPEN);
    assertThatThrownBy(() -> client.call("pay", new JsonObject()).await())
        .isInstanceOf(CircuitOpenException.class)
        .satisfies(e -> assertThat(((CircuitOpenException) e).error().retryAfterMillis()).isPositive());
    assertThat(reached).as("rejected without a round trip").hasValue(0);

    publish("pay", "n1", BreakerState.OPEN, System.currentTimeMillis() + 10_000, true);
    Awaitility.await().untilAsserted(() ->
        assertThat(client.call("pay", new JsonObject()).await().body().getBoolean("ok")).isTrue());
    assertThat(reached).as("a fallback may answer, so the call goes out").hasValue(1);
  }

  @Test
  void errorsComeBackTyped() {
    FuseboxClient client = client(new FuseboxClientOptions().setSendTimeout(Duration.ofMillis(300)));
    assertThatThrownBy(() -> client.call("nobody", new JsonObject()).await())
        .isInstanceOf(NoSuchBreakerException.class).hasMessageContaining("nobody");

    vertx.eventBus().<JsonObject>consumer(Addresses.call("pay"), m -> FuseboxError.of(ErrorCode.CIRCUIT_OPEN, "pay",
        "open", "the breaker is open").failOn(m)).completion().await();
    assertThatThrownBy(() -> client.call("pay", new JsonObject()).await())
        .isInstanceOf(CircuitOpenException.class)
        .satisfies(e -> assertThat(((FuseboxException) e).error().state()).isEqualTo("open"));

    vertx.eventBus().<JsonObject>consumer(Addresses.call("mute"), m -> { }).completion().await();
    assertThatThrownBy(() -> client.call("mute", new JsonObject()).await())
        .isInstanceOf(CallTimeoutException.class);

    vertx.eventBus().<JsonObject>consumer(Addresses.call("own"), m -> m.fail(400, "not json at all"))
        .completion().await();
    assertThatThrownBy(() -> client.call("own", new JsonObject()).await())
        .isInstanceOf(BadRequestException.class).hasMessageContaining("not json at all");
  }

  @Test
  void aMalformedTraceparentIsDroppedAndAWellFormedOneKept() {
    String good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assertThat(Headers.validTraceparent(good)).isEqualTo(good);
    assertThat(Headers.validTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isNull();
    assertThat(Headers.validTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isNull();
    assertThat(Headers.validTraceparent(good + "\r\nx-evil: 1")).isNull();
    assertThat(Headers.validTraceparent(null)).isNull();
  }
}
