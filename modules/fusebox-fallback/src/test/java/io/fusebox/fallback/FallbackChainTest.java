package io.fusebox.fallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusebox.protocol.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FallbackChainTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static FallbackRequest read(String key, Trigger trigger) {
    return new FallbackRequest(new JsonObject().put("path", key), key, trigger, 1_000);
  }

  private static FallbackRequest write(Trigger trigger) {
    return new FallbackRequest(new JsonObject().put("method", "POST"), null, trigger, 1_000);
  }

  @Test
  void theFirstEntryThatAnswersTheTriggerWins() {
    FallbackChain chain = Fallbacks.chain(vertx, List.of(
        Map.of("type", "static", "on", List.of("timeout"), "value", Map.of("from", "timeout-static")),
        Map.of("type", "degraded", "value", "degraded")));
    assertThat(chain.types()).containsExactly("static", "degraded");
    assertThat(chain.run(read("/a", Trigger.TIMEOUT)).await().body().getString("from")).isEqualTo("timeout-static");
    FallbackReply open = chain.run(read("/a", Trigger.OPEN)).await();
    assertThat(open.type()).isEqualTo("degraded");
    assertThat(open.body().getString("value")).as("a non-object value is wrapped").isEqualTo("degraded");
  }

  @Test
  void whenNoEntryAnswersTheFailureSaysWhyEachDidNot() {
    FallbackChain chain = Fallbacks.chain(vertx, List.of(Map.of("type", "cache"),
        Map.of("type", "static", "on", List.of("failure"), "value", Map.of())));
    assertThatThrownBy(() -> chain.run(read("/missing", Trigger.OPEN)).await())
        .hasMessageContaining("cache: no cached result");
    assertThatThrownBy(() -> chain.run(write(Trigger.TIMEOUT)).await())
        .hasMessageContaining("cache: a write is never cached");
    assertThatThrownBy(() -> Fallbacks.chain(vertx, List.of(Map.of("type", "static", "on", List.of("timeout"),
        "value", Map.of()))).run(read("/x", Trigger.OPEN)).await())
        .hasMessageContaining("no fallback answers open");
  }

  @Test
  void theCacheServesFreshThenStaleResultsOfTheSameReadOnly() {
    FallbackChain chain = Fallbacks.chain(vertx, List.of(Map.of("type", "cache", "ttl", "100ms", "max_stale", "10s")));
    CacheFallback cache = chain.cache();
    cache.remember("/items", new JsonObject().put("n", 1));
    cache.remember(null, new JsonObject().put("n", 2));
    assertThat(cache.size()).as("a write is not kept").isEqualTo(1);
    FallbackReply fresh = chain.run(read("/items", Trigger.OPEN)).await();
    assertThat(fresh.body().getInteger("n")).isEqualTo(1);
    assertThat(fresh.staleMillis()).isEqualTo(-1);
    Awaitility.await().untilAsserted(() ->
        assertThat(chain.run(read("/items", Trigger.OPEN)).await().staleMillis()).isGreaterThan(100));
    assertThatThrownBy(() -> chain.run(read("/other", Trigger.OPEN)).await()).hasMessageContaining("no cached result");
  }

  @Test
  void theCacheHoldsAtMostItsMaximumEntries() {
    CacheFallback cache = Fallbacks.chain(vertx, List.of(Map.of("type", "cache", "max_entries", 10))).cache();
    for (int i = 0; i < 1_000; i++) {
      cache.remember("/k" + i, new JsonObject());
    }
    assertThat(cache.size()).isLessThanOrEqualTo(10);
  }

  @Test
  void anAddressFallbackAsksAnotherConsumerWithinTheCallersBudget() {
    vertx.eventBus().<JsonObject>consumer("replica", m -> m.reply(new JsonObject().put("replica", m.body())))
        .completion().await();
    vertx.eventBus().<JsonObject>consumer("mute", m -> { }).completion().await();
    FallbackChain chain = Fallbacks.chain(vertx, List.of(Map.of("type", "address", "address", "mute", "timeout", "5s"),
        Map.of("type", "address", "address", "replica")));
    long started = System.nanoTime();
    FallbackRequest tight = new FallbackRequest(new JsonObject().put("path", "/p"), "/p", Trigger.OPEN, 200);
    FallbackReply reply = chain.run(tight).await();
    assertThat((System.nanoTime() - started) / 1_000_000).as("the mute address had only the caller's 200 ms")
        .isLessThan(4_000);
    assertThat(reply.body().getJsonObject("replica").getString("path")).isEqualTo("/p");
    FallbackRequest late = new FallbackRequest(new JsonObject(), "/p", Trigger.OPEN, 0);
    assertThatThrownBy(() -> chain.run(late).await()).hasMessageContaining("no time left before the deadline");
  }

  @Test
  void readOnlyModeSendsReadsToTheReplicaAndRefusesWrites() {
    vertx.eventBus().<JsonObject>consumer("replica", m -> m.reply(new JsonObject().put("replica", true)))
        .completion().await();
    FallbackChain chain = Fallbacks.chain(vertx, List.of(
        Map.of("type", "degraded", "read_only", true, "address", "replica"),
        Map.of("type", "static", "value", Map.of("never", true))));
    assertThat(chain.run(read("/r", Trigger.OPEN)).await().body().getBoolean("replica")).isTrue();
    assertThatThrownBy(() -> chain.run(write(Trigger.OPEN)).await())
        .isInstanceOf(FallbackRefusedException.class)
        .satisfies(e -> assertThat(((FallbackRefusedException) e).code()).isEqualTo(ErrorCode.READ_ONLY))
        .as("a refusal ends the chain: the static entry after it is not tried");
  }
}
