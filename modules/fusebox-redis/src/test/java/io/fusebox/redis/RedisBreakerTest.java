package io.fusebox.redis;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.DependencyRejectedException;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.protocol.FuseboxException;
import io.fusebox.protocol.RedisCalls;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis adapter against the real Redis, behind a fault-injection proxy. */
class RedisBreakerTest {

  /** Names this test's connections, so that counts at the shared server are this test's alone. */
  private static final String CLIENT_NAME = "fusebox-test-" + ProcessHandle.current().pid();

  private Vertx vertx;
  private FaultProxy proxy;
  private RedisAPI direct;
  private FuseboxClient client;
  private BreakerHarness harness;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    TestServices.Redis redis = TestServices.redis();
    proxy = await(FaultProxy.start(vertx, redis.host(), redis.port()));
    direct = RedisAPI.api(Redis.createClient(vertx, "redis://" + redis.host() + ":" + redis.port()));
    await(direct.del(List.of("fusebox:test:s", "fusebox:test:h", "fusebox:test:l", "fusebox:test:n")));
    client = FuseboxClient.create(vertx);
    harness = new BreakerHarness(vertx);
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private void deploy(BreakerConfig config, Duration probe) {
    FuseboxConfig.Service service = new FuseboxConfig.Service("cache", "default", config,
        Map.of("type", "redis", "host", proxy.host(), "port", proxy.port(), "pool_size", 4, "max_pool_waiting", 32,
            "client_name", CLIENT_NAME),
        List.of(), probe);
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-redis", Duration.ofMillis(200),
        NodeServices.metrics(new SimpleMeterRegistry()))));
  }

  private static BreakerConfigBuilder quiet() {
    return BreakerHarness.detectorsOff().callTimeout(Duration.ofMillis(500)).openTimeout(Duration.ofMillis(500));
  }

  private RedisCalls cache() {
    return client.redis("cache");
  }

  private Object result(String command, String... args) {
    return await(cache().send(command, args)).body().getValue("result");
  }

  @Test
  void anyCommandRunsAndItsReplyComesBackAsJson() {
    deploy(quiet().build(), null);
    assertThat(result("SET", "fusebox:test:s", "hello")).isEqualTo("OK");
    assertThat(result("GET", "fusebox:test:s")).isEqualTo("hello");
    assertThat(result("GET", "fusebox:test:missing")).isNull();
    assertThat(((Number) result("INCRBY", "fusebox:test:n", "5")).longValue()).isEqualTo(5);
    result("RPUSH", "fusebox:test:l", "a", "b");
    assertThat(result("LRANGE", "fusebox:test:l", "0", "-1")).isEqualTo(new JsonArray().add("a").add("b"));
    result("HSET", "fusebox:test:h", "f", "v");
    assertThat(result("HGET", "fusebox:test:h", "f")).isEqualTo("v");
  }

  @Test
  void anOutageOpensTheBreakerAndRecoveryClosesIt() {
    deploy(quiet().consecutiveFailures(3).successThreshold(2).build(), null);
    result("PING");
    proxy.refuse().resetConnections();
    for (int i = 0; i < 3; i++) {
      assertThat(failure(cache().send("GET", "fusebox:test:s"))).isInstanceOf(FuseboxException.class);
    }
    harness.awaitTransition("cache", "open", 1, 5000);
    long connections = proxy.connectionsAccepted();
    assertThat(failure(cache().send("GET", "fusebox:test:s"))).isInstanceOf(CircuitOpenException.class);
    assertThat(proxy.connectionsAccepted()).isEqualTo(connections);
    proxy.healthy();
    harness.awaitTransition("cache", "half_open", 1, 5000);
    result("PING");
    result("PING");
    harness.awaitTransition("cache", "closed", 1, 5000);
  }

  @Test
  void aHangingRedisTimesOutAndOpensTheBreaker() {
    deploy(quiet().consecutiveFailures(2).build(), null);
    result("PING");
    proxy.hang();
    assertThat(((FuseboxException) failure(cache().send("GET", "fusebox:test:s"))).code()).isEqualTo(504);
    assertThat(((FuseboxException) failure(cache().send("GET", "fusebox:test:s"))).code()).isEqualTo(504);
    harness.awaitTransition("cache", "open", 1, 5000);
  }

  @Test
  void wrongTypeAndBadCommandsAreTheCallersAndNeverOpenTheBreaker() {
    deploy(quiet().consecutiveFailures(2).failureRate(0.5).minimumCalls(2).countWindow(2).build(), null);
    result("SET", "fusebox:test:s", "text");
    for (int i = 0; i < 30; i++) {
      assertThat(failure(cache().send("LPUSH", "fusebox:test:s", "x"))).isInstanceOf(DependencyRejectedException.class)
          .hasMessageContaining("WRONGTYPE");
      assertThat(failure(cache().send("GET"))).isInstanceOf(DependencyRejectedException.class)
          .hasMessageContaining("Redis command is not valid");
      assertThat(failure(cache().send("INCR", "fusebox:test:s"))).isInstanceOf(DependencyRejectedException.class)
          .hasMessageContaining("ERR value is not an integer");
      assertThat(failure(cache().send("NOSUCHCOMMAND", "x"))).isInstanceOf(DependencyRejectedException.class);
    }
    BreakerHarness.holdsFor(Duration.ofMillis(300), () -> harness.transitions().isEmpty());
  }

  @Test
  void thousandsOfFailingAndTimedOutCallsLeaveNoConnectionsBehind() {
    deploy(quiet().callTimeout(Duration.ofMillis(150)).build(), null);
    result("PING");
    for (Runnable fault : List.<Runnable>of(proxy::hang, () -> proxy.healthy().refuse().resetConnections(),
        () -> proxy.healthy().dropAfter(100).resetConnections())) {
      fault.run();
      BreakerHarness.burst(vertx, 700, 50, () -> cache().send("GET", "fusebox:test:s"));
      proxy.healthy();
    }
    proxy.resetConnections();
    // the pool replaces the connections the reset broke
    Awaitility.await().untilAsserted(() -> result("PING"));
    for (int i = 0; i < 20; i++) {
      assertThat(result("ECHO", "n" + i)).isEqualTo("n" + i);
    }
    assertThat(clients()).as("Redis sees no more than the pool's 4 connections of this test").isBetween(1L, 4L);
  }

  /** This test's connections only: other clients of the shared server come and go. */
  private long clients() {
    return await(direct.send(Command.CLIENT, "LIST")).toString().lines()
        .filter(l -> l.contains(" name=" + CLIENT_NAME + " ")).count();
  }

  @Test
  void activeProbesPingWhileCallersAreKeptAway() {
    deploy(quiet().consecutiveFailures(2).successThreshold(2).build(), Duration.ofMillis(200));
    result("PING");
    proxy.refuse().resetConnections();
    failure(cache().send("GET", "fusebox:test:s"));
    failure(cache().send("GET", "fusebox:test:s"));
    harness.awaitTransition("cache", "open", 1, 5000);
    proxy.watch("caller-marker");
    BreakerHarness.holdsFor(Duration.ofSeconds(2),
        () -> failure(cache().send("GET", "caller-marker")) instanceof CircuitOpenException);
    assertThat(harness.state("cache")).isNotEqualTo("closed");
    proxy.healthy();
    harness.awaitTransition("cache", "closed", 1, 10_000);
    assertThat(proxy.watchedSeen()).as("no caller command reached Redis while open or half-open").isZero();
    result("GET", "caller-marker");
    assertThat(proxy.watchedSeen()).isPositive();
  }
}
