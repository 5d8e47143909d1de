package io.fusebox.redis;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replicas of the real Redis, each reached through its own TCP fault proxy: read commands go to
 * the replicas and one that refuses connections is ejected after a few; writes stay on the primary.
 */
class RedisReplicasTest {

  private final Vertx vertx = Vertx.vertx();
  private final String key = "fusebox-replicas-" + ProcessHandle.current().pid();
  private FaultProxy primary;
  private FaultProxy good;
  private FaultProxy bad;
  private DependencyAdapter adapter;

  @BeforeEach
  void start() {
    TestServices.Redis redis = TestServices.redis();
    primary = await(FaultProxy.start(vertx, redis.host(), redis.port()));
    good = await(FaultProxy.start(vertx, redis.host(), redis.port()));
    bad = await(FaultProxy.start(vertx, redis.host(), redis.port()));
    adapter = new RedisAdapterFactory().create(vertx, new JsonObject().put("type", "redis")
        .put("host", primary.host()).put("port", primary.port()).put("pool_size", 2)
        .put("replicas", new JsonArray(List.of(good.host() + ":" + good.port(), bad.host() + ":" + bad.port())))
        .put("ejection", new JsonObject().put("consecutive_failures", 3).put("base_ejection", "30s")));
  }

  @AfterEach
  void stop() {
    call("DEL", key);
    await(adapter.close());
    await(vertx.close());
  }

  private CallResult call(String command, String... args) {
    return await(adapter.call(new JsonObject().put("command", command).put("args", new JsonArray(List.of((Object[]) args))),
        3_000, null).recover(failure -> Future.succeededFuture(CallResult.failure(failure.getMessage()))));
  }

  @Test
  void readsGoToTheReplicasAndARefusingOneIsEjected() {
    assertThat(call("SET", key, "v").reply()).isNotNull();
    long primaryConnections = primary.connectionsAccepted();
    bad.refuse();
    int failed = 0;
    for (int i = 0; i < 40; i++) {
      if (call("GET", key).reply() == null) {
        failed++;
      }
    }

    assertThat(failed).as("reads lost to the refusing replica before its ejection").isEqualTo(3);
    JsonArray members = adapter.pool().getJsonArray("members");
    assertThat(members.getJsonObject(1).getString("state")).isEqualTo("ejected");
    assertThat(members.getJsonObject(0).getLong("calls")).as("reads the good replica took").isEqualTo(37);
    assertThat(primary.connectionsAccepted()).as("no read opened a connection to the primary").isEqualTo(primaryConnections);
    assertThat(good.connectionsAccepted()).isPositive();
  }
}
