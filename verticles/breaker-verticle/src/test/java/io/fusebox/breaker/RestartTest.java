package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.store.BreakerRecord;
import io.fusebox.store.FileStateStore;
import io.fusebox.store.RedisStateStore;
import io.fusebox.store.StateStore;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.TestServices;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A breaker that opened stays open across a restart of its verticle, with a file or a Redis store;
 * and a Redis store that goes away mid-run touches no call.
 */
class RestartTest extends BreakerTestSupport {

  private String deployWith(String name, BreakerConfig config, StateStore store) {
    FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default", config,
        Map.of("type", "http", "base_url", upstream.baseUrl()), List.of(Map.of("type", "static", "value", Map.of())));
    return await(vertx.deployVerticle(new BreakerVerticle(service, "node-test", SNAPSHOT_INTERVAL,
        new NodeServices(registry, null, false, store))));
  }

  private void anOpenBreakerStaysOpenForItsRemainingTime(Supplier<StateStore> store) {
    String name = "restarted-" + UUID.randomUUID().toString().substring(0, 8);
    BreakerConfig config = quiet().consecutiveFailures(1).openTimeout(Duration.ofSeconds(20)).build();
    String first = deployWith(name, config, store.get());
    upstream.failAll();
    get(name, "/x");
    awaitTransitionTo(name, "open");
    // some of the open timeout passes before the restart, and must not be given back after it
    BreakerHarness.holdsFor(Duration.ofMillis(1500), () -> "open".equals(latestState(name)));
    await(vertx.undeploy(first));

    deployWith(name, config, store.get());
    upstream.healthy();
    JsonObject snapshot = latestSnapshot(name);
    assertThat(snapshot.getString("state")).isEqualTo("open");
    long remaining = snapshot.getLong("retry_at") - System.currentTimeMillis();
    assertThat(remaining).as("what was left of the 20 s, not a fresh 20 s").isBetween(15_000L, 18_700L);
    assertThat(get(name, "/x").fallbackType()).as("callers are still kept away after the restart").isEqualTo("static");
  }

  private void forcedModeAndTheFallbackSwitchSurvive(Supplier<StateStore> store) {
    String name = "forced-" + UUID.randomUUID().toString().substring(0, 8);
    String first = deployWith(name, quiet().build(), store.get());
    vertx.eventBus().publish(Addresses.adminApply(name), new JsonObject().put("action", "force_open"));
    vertx.eventBus().publish(Addresses.adminApply(name), new JsonObject().put("action", "fallback_off"));
    awaitTransitionTo(name, "forced_open");
    Awaitility.await("the forced mode and the switch saved").until(() -> {
      BreakerRecord saved = savedNow(store, name);
      return saved != null && "forced_open".equals(saved.state()) && !saved.fallbackEnabled();
    });
    await(vertx.undeploy(first));
    deployWith(name, quiet().build(), store.get());
    JsonObject snapshot = latestSnapshot(name);
    assertThat(snapshot.getString("state")).isEqualTo("forced_open");
    assertThat(snapshot.getJsonObject("fallback").getBoolean("enabled")).isFalse();
    assertThat(failedGet(name, "/x")).isInstanceOf(CircuitOpenException.class);
  }

  private void anOverrideSurvivesWithItsWhoWhyAndEnd(Supplier<StateStore> store) {
    String name = "override-" + UUID.randomUUID().toString().substring(0, 8);
    String first = deployWith(name, quiet().build(), store.get());
    long until = System.currentTimeMillis() + 3_000;
    vertx.eventBus().publish(Addresses.adminApply(name), new JsonObject().put("action", "force_open")
        .put("by", "alice").put("reason", "db migration").put("until", until));
    awaitTransitionTo(name, "forced_open");
    Awaitility.await("the override saved").until(() -> {
      BreakerRecord saved = savedNow(store, name);
      return saved != null && saved.override() != null && "alice".equals(saved.override().getString("by"));
    });
    await(vertx.undeploy(first));
    transitions.clear();
    deployWith(name, quiet().build(), store.get());
    JsonObject override = latestSnapshot(name).getJsonObject("override");
    assertThat(override).as("who, why and until when, after the restart").isNotNull();
    assertThat(override.getString("by")).isEqualTo("alice");
    assertThat(override.getString("reason")).isEqualTo("db migration");
    assertThat(override.getLong("until")).isEqualTo(until);
    awaitTransitionTo(name, "closed");
    assertThat(System.currentTimeMillis()).as("it ran out when it was to, not a fresh term later").isLessThan(until + 2_500);
  }

  /** What the store holds now, through a store of its own: a file store reads its file once and keeps it. */
  private static BreakerRecord savedNow(Supplier<StateStore> store, String name) {
    StateStore reader = store.get();
    try {
      return await(reader.load(name, "node-test"));
    } finally {
      await(reader.close());
    }
  }

  private Supplier<StateStore> fileStore() throws Exception {
    Path file = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "restart")
        .resolve("breakers.json");
    return () -> new FileStateStore(vertx, file);
  }

  private Supplier<StateStore> redisStore() {
    TestServices.Redis redis = TestServices.redis();
    return () -> new RedisStateStore(vertx, "redis://" + redis.host() + ":" + redis.port(), "fusebox:test:restart:");
  }

  @Test
  void withAFileStoreAnOpenBreakerStaysOpen() throws Exception {
    anOpenBreakerStaysOpenForItsRemainingTime(fileStore());
  }

  @Test
  void withAFileStoreForcedModeAndFallbackSwitchSurvive() throws Exception {
    forcedModeAndTheFallbackSwitchSurvive(fileStore());
  }

  @Test
  void withAFileStoreAnOverrideSurvivesWithItsEnd() throws Exception {
    anOverrideSurvivesWithItsWhoWhyAndEnd(fileStore());
  }

  @Test
  void withARedisStoreAnOpenBreakerStaysOpen() {
    anOpenBreakerStaysOpenForItsRemainingTime(redisStore());
  }

  @Test
  void withARedisStoreForcedModeAndFallbackSwitchSurvive() {
    forcedModeAndTheFallbackSwitchSurvive(redisStore());
  }

  @Test
  void whileRedisIsDownCallsAreUnaffectedAndTheStateIsWrittenWhenItIsBack() {
    TestServices.Redis redis = TestServices.redis();
    String prefix = "fusebox:test:outage:";
    FaultProxy proxy = await(FaultProxy.start(vertx, redis.host(), redis.port()));
    String name = "outage-" + UUID.randomUUID().toString().substring(0, 8);
    deployWith(name, quiet().consecutiveFailures(3).openTimeout(Duration.ofSeconds(20)).build(),
        new RedisStateStore(vertx, "redis://127.0.0.1:" + proxy.port(), prefix));
    proxy.refuse().resetConnections();

    for (int i = 0; i < 50; i++) {
      FuseboxReply reply = get(name, "/ok");
      assertThat(reply.fromFallback()).as("call %d while Redis is down", i).isFalse();
      assertThat(reply.body().getInteger("status")).isEqualTo(200);
    }
    upstream.failAll();
    for (int i = 0; i < 3; i++) {
      get(name, "/fails");
    }
    awaitTransitionTo(name, "open");
    assertThat(get(name, "/x").fallbackType()).as("open while Redis is down").isEqualTo("static");
    RedisStateStore reader = new RedisStateStore(vertx, "redis://" + redis.host() + ":" + redis.port(), prefix);
    BreakerRecord beforeRedisIsBack = await(reader.load(name, "node-test"));
    assertThat(beforeRedisIsBack == null ? "nothing" : beforeRedisIsBack.state()).isNotEqualTo("open");

    proxy.healthy();
    BreakerRecord written = Awaitility.await("the state written once Redis is back").atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> await(reader.load(name, "node-test")), r -> r != null && "open".equals(r.state()));
    assertThat(written.state()).isEqualTo("open");
    await(reader.close());
    await(proxy.close());
  }
}
