package io.fusebox.store;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RedisStateStoreTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void aHashPerInstanceRoundTrips() {
    TestServices.Redis redis = TestServices.redis();
    RedisStateStore store = new RedisStateStore(vertx, "redis://" + redis.host() + ":" + redis.port(), "fusebox:test:breaker:");
    BreakerRecord record = new BreakerRecord("orders", "node-a", "open", 1000L, 9000L, 2, false);
    await(store.save(record));
    assertThat(await(store.load("orders", "node-a"))).isEqualTo(record);
    assertThat(await(store.load("nothing", "node-a"))).isNull();
  }

  @Test
  void anOverrideRoundTripsAndIsGoneOnceCleared() {
    TestServices.Redis redis = TestServices.redis();
    String prefix = "fusebox:test:" + UUID.randomUUID() + ":";
    RedisStateStore store = new RedisStateStore(vertx, "redis://" + redis.host() + ":" + redis.port(), prefix);
    JsonObject override = new JsonObject().put("action", "force_open").put("by", "alice").put("reason", "db migration")
        .put("at", 1000L).put("until", 2000L);
    BreakerRecord forced = new BreakerRecord("orders", "node-a", "forced_open", 1000L, 0L, 0, true, override);
    await(store.save(forced));
    assertThat(await(store.load("orders", "node-a"))).isEqualTo(forced);
    BreakerRecord closed = new BreakerRecord("orders", "node-a", "closed", 3000L, 0L, 0, true);
    await(store.save(closed));
    assertThat(await(store.load("orders", "node-a"))).isEqualTo(closed);
  }

  @Test
  void whileRedisIsDownSavingNeverFailsAndTheLatestStateIsWrittenWhenItIsBack() throws Exception {
    TestServices.Redis redis = TestServices.redis();
    FaultProxy proxy = await(FaultProxy.start(vertx, redis.host(), redis.port()));
    RedisStateStore store = new RedisStateStore(vertx, "redis://127.0.0.1:" + proxy.port(), "fusebox:test:breaker:");
    await(store.save(new BreakerRecord("cache", "node-a", "closed", 1L, 0L, 0, true)));
    proxy.refuse().resetConnections();
    await(store.save(new BreakerRecord("cache", "node-a", "open", 2L, 5000L, 1, true)));
    await(store.save(new BreakerRecord("cache", "node-a", "forced_open", 3L, 0L, 1, true)));
    assertThat(store.pending()).as("the newest state waits").isEqualTo(1);
    proxy.healthy();
    Awaitility.await("the waiting state written").atMost(Duration.ofSeconds(15)).until(() -> store.pending() == 0);
    RedisStateStore reader = new RedisStateStore(vertx, "redis://" + redis.host() + ":" + redis.port(), "fusebox:test:breaker:");
    assertThat(await(reader.load("cache", "node-a")).state()).isEqualTo("forced_open");
  }
}
