package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.DependencyFailureException;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.protocol.FuseboxClientOptions;
import io.fusebox.protocol.FuseboxException;
import io.fusebox.protocol.FuseboxReply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Fallback chains answering for an unhealthy dependency, against real upstream servers. */
class FallbackTest extends BreakerTestSupport {

  private static final Map<String, Object> STATIC = Map.of("type", "static", "value", Map.of("alerts", List.of()));

  private static Map<String, Object> only(Map<String, Object> fallback, String... triggers) {
    Map<String, Object> copy = new HashMap<>(fallback);
    copy.put("on", List.of(triggers));
    return copy;
  }

  private void deployWith(String name, BreakerConfigBuilder config, List<Map<String, Object>> chain) {
    deploy(name, config.build(), upstream.baseUrl(), chain);
  }

  @Test
  void aStaticValueAnswersOnFailureAndWhileOpen() {
    deployWith("alerts", quiet().consecutiveFailures(1), List.of(STATIC));
    upstream.failAll();
    FuseboxReply onFailure = get("alerts", "/alerts");
    assertThat(onFailure.fromFallback()).isTrue();
    assertThat(onFailure.fallbackType()).isEqualTo("static");
    assertThat(onFailure.body()).isEqualTo(new JsonObject().put("alerts", new JsonArray()));
    awaitTransitionTo("alerts", "open");
    FuseboxReply whileOpen = get("alerts", "/alerts");
    assertThat(whileOpen.fallbackType()).isEqualTo("static");
    assertThat(whileOpen.state()).isEqualTo("open");
    assertThat(upstream.requests()).isEqualTo(1);
  }

  @Test
  void aFallbackAnswersOnlyTheTriggersItLists() {
    deployWith("picky", quiet().consecutiveFailures(1), List.of(only(STATIC, "open")));
    upstream.failAll();
    assertThat(failedGet("picky", "/p")).as("a failure is not in on: [open]").isInstanceOf(DependencyFailureException.class);
    assertThat(get("picky", "/p").fallbackType()).isEqualTo("static");
  }

  @Test
  void aFallbackAnswersATimeout() {
    deployWith("slowpoke", quiet().callTimeout(Duration.ofMillis(200)), List.of(only(STATIC, "timeout")));
    upstream.hang();
    FuseboxReply reply = get("slowpoke", "/s");
    assertThat(reply.fallbackType()).isEqualTo("static");
    assertThat(latestSnapshot("slowpoke").getJsonObject("calls").getLong("timeout")).isEqualTo(1);
  }

  @Test
  void theCacheServesFreshThenStaleResultsWithTheirAge() {
    deployWith("catalog", quiet().consecutiveFailures(100),
        List.of(Map.of("type", "cache", "ttl", "300ms", "max_stale", "10s")));
    JsonObject healthy = get("catalog", "/items").body();
    upstream.failAll();
    FuseboxReply fresh = get("catalog", "/items");
    assertThat(fresh.fallbackType()).isEqualTo("cache");
    assertThat(fresh.stale()).isFalse();
    assertThat(fresh.body()).isEqualTo(healthy);
    FuseboxReply stale = Awaitility.await("the cached result going stale").atMost(Duration.ofSeconds(5))
        .until(() -> get("catalog", "/items"), FuseboxReply::stale);
    assertThat(stale.staleMillis()).as("stale only once its 300 ms ttl has passed").isBetween(300L, 3000L);
    assertThat(stale.body()).isEqualTo(healthy);
  }

  @Test
  void aCacheMissOrAWriteFallsThroughToTheNextFallback() {
    deployWith("orders", quiet().consecutiveFailures(100), List.of(Map.of("type", "cache"), STATIC));
    get("orders", "/orders/1");
    await(client.http("orders").post("/orders", new JsonObject().put("sku", "A")));
    upstream.failAll();
    assertThat(get("orders", "/orders/1").fallbackType()).isEqualTo("cache");
    assertThat(get("orders", "/orders/2").fallbackType()).as("never read, so a miss").isEqualTo("static");
    assertThat(await(client.http("orders").post("/orders", new JsonObject().put("sku", "A"))).fallbackType())
        .as("a write is never cached").isEqualTo("static");
  }

  @Test
  void theCacheHoldsNoMoreThanMaxEntries() {
    deployWith("bounded", quiet().consecutiveFailures(100), List.of(Map.of("type", "cache", "max_entries", 2)));
    for (int i = 0; i < 6; i++) {
      get("bounded", "/item/" + i);
    }
    upstream.failAll();
    int cached = 0;
    for (int i = 0; i < 6; i++) {
      try {
        FuseboxReply reply = client.http("bounded").get("/item/" + i).await(10, TimeUnit.SECONDS);
        cached += "cache".equals(reply.fallbackType()) ? 1 : 0;
      } catch (Exception miss) {
        assertThat(miss).isInstanceOf(DependencyFailureException.class);
      }
    }
    assertThat(cached).isBetween(1, 2);
  }

  @Test
  void anAddressFallbackAsksAnotherBreaker() throws Exception {
    FlakyHttpServer replica = await(FlakyHttpServer.start(vertx));
    deploy("replica", quiet().build(), replica.baseUrl(), List.of());
    deployWith("primary", quiet().consecutiveFailures(1),
        List.of(Map.of("type", "address", "address", Addresses.call("replica"), "timeout", "2s")));
    upstream.failAll();
    FuseboxReply reply = get("primary", "/users/7");
    assertThat(reply.fallbackType()).isEqualTo("address");
    assertThat(reply.body().getJsonObject("body").getString("path")).isEqualTo("/users/7");
    assertThat(replica.requests()).isEqualTo(1);
  }

  @Test
  void chainOrderIsKeptAndWhenAllFailTheOriginalErrorListsWhy() {
    deployWith("chained", quiet().consecutiveFailures(100), List.of(
        Map.of("type", "cache"),
        Map.of("type", "address", "address", Addresses.call("nowhere")),
        STATIC));
    upstream.failAll();
    assertThat(get("chained", "/c").fallbackType()).isEqualTo("static");

    deployWith("hopeless", quiet().consecutiveFailures(100), List.of(
        Map.of("type", "cache"), Map.of("type", "address", "address", Addresses.call("nowhere"))));
    Throwable t = failedGet("hopeless", "/h");
    assertThat(t).isInstanceOf(DependencyFailureException.class);
    assertThat(((FuseboxException) t).error().detail())
        .startsWith("HTTP 500; fallbacks failed: cache: no cached result; address: ");
  }

  @Test
  void readOnlyModeRoutesReadsToTheReplicaAndRefusesWrites() throws Exception {
    FlakyHttpServer replica = await(FlakyHttpServer.start(vertx));
    deploy("orders_replica", quiet().build(), replica.baseUrl(), List.of());
    deployWith("orders_db", quiet().consecutiveFailures(1), List.of(
        Map.of("type", "degraded", "read_only", true, "address", Addresses.call("orders_replica"))));
    upstream.failAll();
    FuseboxReply read = get("orders_db", "/orders/9");
    assertThat(read.fallbackType()).isEqualTo("degraded");
    assertThat(replica.requests()).isEqualTo(1);
    Throwable write = failure(client.http("orders_db").post("/orders", new JsonObject()));
    assertThat(((FuseboxException) write).code()).isEqualTo(503);
    assertThat(((FuseboxException) write).error().code().error()).isEqualTo("read_only");
    assertThat(replica.requests()).as("the write never reached the replica").isEqualTo(1);
  }

  @Test
  void aDegradedReplyAnswersWhenConfigured() {
    deployWith("recs", quiet().consecutiveFailures(1), List.of(
        Map.of("type", "degraded", "value", Map.of("items", List.of("bestsellers")))));
    upstream.failAll();
    FuseboxReply reply = get("recs", "/recommendations");
    assertThat(reply.fallbackType()).isEqualTo("degraded");
    assertThat(reply.body().getJsonArray("items")).containsExactly("bestsellers");
  }

  @Test
  void theFallbackSwitchTurnsTheChainOffAndOnAndSnapshotsSayWhich() {
    await(vertx.deployVerticle(new AdminVerticle(SNAPSHOT_INTERVAL)));
    deployWith("switchable", quiet().consecutiveFailures(100), List.of(STATIC));
    upstream.failAll();
    assertThat(get("switchable", "/s").fromFallback()).isTrue();
    latestSnapshot("switchable");
    await(vertx.eventBus().request(Addresses.ADMIN, new JsonObject().put("action", "fallback_off").put("breaker", "switchable")));
    JsonObject off = latestSnapshot("switchable");
    assertThat(off.getJsonObject("fallback").getBoolean("enabled")).isFalse();
    assertThat(failedGet("switchable", "/s")).isInstanceOf(DependencyFailureException.class);
    await(vertx.eventBus().request(Addresses.ADMIN, new JsonObject().put("action", "fallback_on").put("breaker", "switchable")));
    assertThat(latestSnapshot("switchable").getJsonObject("fallback").getBoolean("enabled")).isTrue();
    assertThat(get("switchable", "/s").fromFallback()).isTrue();
    JsonObject snapshot = latestSnapshot("switchable");
    assertThat(snapshot.getJsonObject("calls").getLong("fallback")).isEqualTo(2);
    assertThat(snapshot.getJsonObject("fallback").getJsonObject("executions").getLong("static")).isEqualTo(2);
    assertThat(snapshot.getJsonObject("fallback").getJsonArray("types")).containsExactly("static");
  }

  @Test
  void aFailFastClientStillAsksABreakerWithAFallback() {
    deployWith("covered", quiet().consecutiveFailures(1).openTimeout(Duration.ofSeconds(30)), List.of(STATIC));
    FuseboxClient failFast = FuseboxClient.create(vertx, new FuseboxClientOptions().setFailFast(true));
    await(failFast.ready());
    upstream.failAll();
    get("covered", "/c");
    awaitTransitionTo("covered", "open");
    latestSnapshot("covered");
    assertThat(await(failFast.http("covered").get("/c")).fallbackType()).isEqualTo("static");
  }
}
