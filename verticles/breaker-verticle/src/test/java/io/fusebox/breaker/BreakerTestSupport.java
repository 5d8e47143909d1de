package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.testkit.BreakerHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real Vert.x, a real HTTP upstream that tests make fail, hang or slow down, and a client: what
 * every breaker-verticle test starts from.
 */
abstract class BreakerTestSupport {

  static final Duration SNAPSHOT_INTERVAL = Duration.ofMillis(200);

  Vertx vertx;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  FlakyHttpServer upstream;
  FuseboxClient client;
  final List<JsonObject> transitions = new CopyOnWriteArrayList<>();
  final List<JsonObject> snapshots = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startVertxAndUpstream() {
    vertx = newVertx();
    upstream = await(FlakyHttpServer.start(vertx));
    client = FuseboxClient.create(vertx);
    await(client.ready());
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> transitions.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, m -> snapshots.add(m.body()));
  }

  /** A plain Vert.x; tracing tests install a tracer. */
  Vertx newVertx() {
    return Vertx.vertx();
  }

  @AfterEach
  void closeVertx() {
    await(vertx.close());
  }

  /** Breaker values that keep every detector off unless the test turns it on. */
  static BreakerConfigBuilder quiet() {
    return BreakerHarness.detectorsOff().callTimeout(Duration.ofSeconds(5))
        .openTimeout(Duration.ofSeconds(30));
  }

  /** How the breakers of this test report; tracing tests override it. */
  NodeServices services() {
    return NodeServices.metrics(registry);
  }

  String deploy(String name, BreakerConfig config) {
    return deploy(name, config, upstream.baseUrl(), List.of());
  }

  String deploy(String name, BreakerConfig config, String baseUrl, List<Map<String, Object>> fallback) {
    return deploy(name, config, baseUrl, fallback, 16);
  }

  String deploy(String name, BreakerConfig config, String baseUrl, List<Map<String, Object>> fallback, int poolSize) {
    FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default", config,
        Map.of("type", "http", "base_url", baseUrl, "pool_size", poolSize), fallback);
    return await(vertx.deployVerticle(new BreakerVerticle(service, "node-test", SNAPSHOT_INTERVAL, services())));
  }

  FuseboxReply get(String breaker, String path) {
    return await(client.http(breaker).get(path));
  }

  /** The failure a call ended with; fails the test if it succeeded. */
  static Throwable failure(Future<?> call) {
    return BreakerHarness.failure(call);
  }

  Throwable failedGet(String breaker, String path) {
    return failure(client.http(breaker).get(path));
  }

  static <T> T await(Future<T> future) {
    return BreakerHarness.await(future);
  }

  /** The latest snapshot this breaker published, after waiting for a fresh one. */
  JsonObject latestSnapshot(String breaker) {
    int seen = snapshots.size();
    return Awaitility.await("a fresh snapshot of " + breaker).atMost(Duration.ofSeconds(10))
        .until(() -> newestOf(breaker, seen), Objects::nonNull);
  }

  private JsonObject newestOf(String breaker, int from) {
    for (int i = snapshots.size() - 1; i >= from; i--) {
      if (breaker.equals(snapshots.get(i).getString("breaker"))) {
        return snapshots.get(i);
      }
    }
    return null;
  }

  /** The state the breaker's newest snapshot so far shows, or null; does not wait. */
  String latestState(String breaker) {
    JsonObject newest = newestOf(breaker, 0);
    return newest == null ? null : newest.getString("state");
  }

  void awaitTransitionTo(String breaker, String state) {
    Awaitility.await("a transition of " + breaker + " to " + state + " (seen: " + transitions + ")")
        .atMost(Duration.ofSeconds(10))
        .until(() -> transitions.stream().anyMatch(t -> breaker.equals(t.getString("breaker"))
            && state.equals(t.getString("to"))));
  }
}
