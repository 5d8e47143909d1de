package io.fusebox.platform;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fusebox.config.ConfigLoader;
import io.fusebox.protocol.Addresses;
import io.fusebox.testkit.FreePorts;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node reloading its configuration file while 200 callers keep calling: every call answered
 * once, breakers keep their state and windows, added breakers come, removed ones drain first, and
 * a refused file changes nothing.
 */
class LiveReloadTest {

  private static final String TOKEN = "reload-test-token-0123";
  private static final int CALLERS = 200;

  private final Vertx vertx = Vertx.vertx();
  private WebClient web;
  private HttpServer dependency;
  private int httpPort;
  private FuseboxNode node;
  @TempDir
  Path dir;
  private Path file;
  /** While true, the callers of the first test keep calling; a failed test's teardown stops them first. */
  private final AtomicBoolean calling = new AtomicBoolean(true);

  @BeforeEach
  void start() throws Exception {
    web = WebClient.create(vertx);
    // /fail answers 500, /slow answers after 300 ms, anything else at once
    dependency = await(vertx.createHttpServer().requestHandler(request -> {
      switch (request.path()) {
        case "/fail" -> request.response().setStatusCode(500).end("down");
        case "/slow" -> vertx.setTimer(300, id -> request.response().end("late"));
        default -> request.response().end("ok");
      }
    }).listen(0, "127.0.0.1"));
    httpPort = FreePorts.next();
    file = dir.resolve("fusebox.yaml");
  }

  @AfterEach
  void stop() {
    calling.set(false);
    if (node != null) {
      await(node.stop());
    }
    await(vertx.close());
  }

  /** The file: node settings, then each service given as its YAML body. */
  private void write(String reloadSection, Map<String, String> services) throws Exception {
    StringBuilder text = new StringBuilder("""
        fusebox:
          node: { name: reloading }
          http: { port: %d, admin_token: %s }
          snapshot_interval: 200ms
        %s
        circuit_breakers:
          services:
        """.formatted(httpPort, TOKEN, reloadSection));
    services.forEach((name, body) -> text.append("    ").append(name).append(":\n      ")
        .append(body.strip().replace("\n", "\n      ")).append('\n'));
    Files.writeString(file, text);
  }

  private String http(int pool) {
    return "dependency: { type: http, base_url: \"http://127.0.0.1:" + dependency.actualPort() + "\", pool_size: " + pool
        + " }";
  }

  private void startNode() throws Exception {
    node = FuseboxNode.start(new ConfigLoader().load(file, Map.of()), file, Map.of(), getClass().getClassLoader())
        .await(60, TimeUnit.SECONDS);
  }

  private HttpResponse<Buffer> reload(String reason) {
    return await(web.post(httpPort, "127.0.0.1", "/api/reload").addQueryParam("reason", reason)
        .putHeader("Authorization", "Bearer " + TOKEN).send());
  }

  private JsonObject snapshot(String breaker) {
    HttpResponse<Buffer> response = await(web.get(httpPort, "127.0.0.1", "/api/breakers/" + breaker).send());
    return response.statusCode() != 200 ? null
        : response.bodyAsJsonObject().getJsonArray("instances").getJsonObject(0);
  }

  private JsonObject awaitVersion(String breaker, String version) {
    return Awaitility.await(breaker + " at version " + version).atMost(Duration.ofSeconds(10))
        .until(() -> snapshot(breaker), s -> s != null && version.equals(s.getString("config_version")));
  }

  private JsonObject call(String breaker, String path) {
    return await(node.vertx().eventBus().<JsonObject>request(Addresses.call(breaker),
        new JsonObject().put("method", "GET").put("path", path))).body();
  }

  private Throwable callFailure(String breaker, String path) {
    return node.vertx().eventBus().request(Addresses.call(breaker), new JsonObject().put("method", "GET").put("path", path))
        .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
  }

  @Test
  void reloadsUnder200CallersKeepingEveryBreakersStateAndEveryReply() throws Exception {
    String windowed = http(4) + """

        detection:
          failure_rate: { threshold: 0.9, minimum_calls: 100, window: { type: count_based, size: 100 } }
          consecutive_failures: { enabled: false }
        """;
    String tripping = http(4) + """

        detection: { consecutive_failures: { threshold: 1, noise_aware: false } }
        transitions: { open_timeout: 60s, max_open_timeout: 2m, enable_exponential_backoff: false, jitter: 0 }
        """;
    write("", Map.of("orders", windowed, "payments", tripping,
        "search", http(8) + "\nbulkhead: { max_concurrent_calls: 400 }", "legacy", http(4)));
    startNode();

    // orders: 40 successes and 60 failures in a count window of 100, below its 90% threshold
    for (int i = 0; i < 40; i++) {
      call("orders", "/");
    }
    for (int i = 0; i < 60; i++) {
      callFailure("orders", "/fail");
    }
    // payments: open for 60 s
    callFailure("payments", "/fail");
    JsonObject open = Awaitility.await("payments open").atMost(Duration.ofSeconds(10))
        .until(() -> snapshot("payments"), s -> s != null && "open".equals(s.getString("state")));
    long retryAt = open.getLong("retry_at");
    String first = open.getString("config_version");
    assertThat(first).hasSize(12);
    JsonObject trip = await(web.get(httpPort, "127.0.0.1", "/api/transitions?breaker=payments").send())
        .bodyAsJsonObject().getJsonArray("transitions").getJsonObject(0);
    assertThat(trip.getString("config_version")).as("a trip names the configuration that judged it").isEqualTo(first);

    // 200 callers on search, and slow calls on legacy in flight when legacy is removed
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    for (int i = 0; i < CALLERS; i++) {
      keepCalling(calling, sent, answered, wrong);
    }
    List<io.vertx.core.Future<io.vertx.core.eventbus.Message<JsonObject>>> draining = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      draining.add(node.vertx().eventBus().request(Addresses.call("legacy"),
          new JsonObject().put("method", "GET").put("path", "/slow")));
    }
    Awaitility.await("calls under way").until(() -> answered.get() > 1000);

    // the new file: orders' window of 200 at 50%, payments' open timeout 1 s, search's pool and
    // timeout, legacy removed, audit added
    String resized = http(4) + """

        detection:
          failure_rate: { threshold: 0.5, minimum_calls: 150, window: { type: count_based, size: 200 } }
          consecutive_failures: { enabled: false }
        """;
    String shorter = tripping.replace("open_timeout: 60s", "open_timeout: 1s")
        + "fallback: [ { type: static, value: { degraded: true } } ]\n";
    write("", Map.of("orders", resized, "payments", shorter,
        "search", http(16) + "\nbulkhead: { max_concurrent_calls: 400 }\ndetection: { call_timeout: 3s }",
        "audit", http(2)));
    int sentBeforeReload = sent.get();
    HttpResponse<Buffer> reloaded = reload("resize the window");
    int sentByReloaded = sent.get();
    assertThat(reloaded.statusCode()).as(reloaded.bodyAsString()).isEqualTo(200);
    JsonObject result = reloaded.bodyAsJsonObject();
    String second = result.getString("version");
    assertThat(second).isNotEqualTo(first);
    assertThat(result.getJsonArray("added")).containsExactly("audit");
    assertThat(result.getJsonArray("removed")).containsExactly("legacy");
    assertThat(result.getJsonArray("changed").getList()).containsExactlyInAnyOrder("orders", "payments", "search");
    assertThat(result.getJsonArray("failed")).isEmpty();

    for (var slow : draining) {
      assertThat(await(slow).body().getInteger("status")).as("a call in flight on a removed breaker is answered")
          .isEqualTo(200);
    }
    assertThat(callFailure("legacy", "/")).isInstanceOfSatisfying(ReplyException.class,
        e -> assertThat(e.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
    assertThat(call("audit", "/").getInteger("status")).isEqualTo(200);

    JsonObject orders = awaitVersion("orders", second);
    assertThat(orders.getInteger("window_calls")).as("the window's 100 outcomes kept in one of 200").isEqualTo(100);
    assertThat(orders.getDouble("failure_rate")).isEqualTo(0.6);
    assertThat(orders.getString("state")).isEqualTo("closed");
    for (int i = 0; i < 50; i++) {
      call("orders", "/");
    }
    assertThat(snapshot("orders").getString("state")).as("150 calls at 40% failures: under 50%").isEqualTo("closed");

    JsonObject payments = awaitVersion("payments", second);
    assertThat(payments.getString("state")).as("an open breaker stays open").isEqualTo("open");
    // retry_at is the wall clock plus the time left, rounded up to the millisecond: within a few ms
    assertThat(payments.getLong("retry_at")).as("for the rest of its 60 s, not the new 1 s").isCloseTo(retryAt, within(5L));
    assertThat(call("payments", "/").getBoolean("degraded")).as("the new fallback chain answers for the open breaker")
        .isTrue();

    // a refused file changes nothing
    Files.writeString(file, Files.readString(file).replace("pool_size: 2", "pool_size: -1"));
    HttpResponse<Buffer> refused = reload("a bad file");
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("invalid_config");
    assertThat(refused.bodyAsJsonObject().getString("detail")).contains("circuit_breakers.services.audit.dependency.pool_size");
    assertThat(snapshot("audit").getString("config_version")).isEqualTo(second);
    assertThat(call("audit", "/").getInteger("status")).isEqualTo(200);

    // more than 2,000 calls in all, however fast this machine ran the steps above
    Awaitility.await("2,000 calls").atMost(Duration.ofSeconds(20)).until(() -> sent.get() > 2000);
    calling.set(false);
    Awaitility.await("every call answered").atMost(Duration.ofSeconds(10)).until(() -> answered.get() == sent.get());
    assertThat(wrong).as("calls on search that did not succeed").isEmpty();
    assertThat(sentByReloaded).as("calls made while the reload ran").isGreaterThan(sentBeforeReload);
  }

  /** One caller: a call to search, and the next when it is answered, until told to stop. */
  private void keepCalling(AtomicBoolean calling, AtomicInteger sent, AtomicInteger answered,
      ConcurrentLinkedQueue<String> wrong) {
    if (!calling.get()) {
      return;
    }
    sent.incrementAndGet();
    node.vertx().eventBus().<JsonObject>request(Addresses.call("search"), new JsonObject().put("method", "GET").put("path", "/"),
        new DeliveryOptions().setSendTimeout(10_000)).onComplete(ar -> {
          answered.incrementAndGet();
          if (ar.failed()) {
            wrong.add(ar.cause().toString());
          } else if (ar.result().body().getInteger("status") != 200) {
            wrong.add(ar.result().body().encode());
          }
          keepCalling(calling, sent, answered, wrong);
        });
  }

  @Test
  void theFileWatchReloadsAChangedFileByItself() throws Exception {
    String watching = "  reload: { watch: true, interval: 200ms }";
    write(watching, Map.of("orders", http(2)));
    startNode();
    assertThat(call("orders", "/").getInteger("status")).isEqualTo(200);
    write(watching, Map.of("orders", http(2), "stock", http(2)));
    Awaitility.await("stock deployed by the watch").atMost(Duration.ofSeconds(10))
        .until(() -> snapshot("stock") != null);
    assertThat(call("stock", "/").getInteger("status")).isEqualTo(200);
    JsonArray audit = await(web.get(httpPort, "127.0.0.1", "/api/audit").putHeader("Authorization", "Bearer " + TOKEN)
        .send()).bodyAsJsonObject().getJsonArray("entries");
    assertThat(audit.getJsonObject(0).getString("by")).isEqualTo("file watch");
  }

  @Test
  void aReloadNeedsAnOperatorAndAReason() throws Exception {
    write("", Map.of("orders", http(2)));
    startNode();
    assertThat(await(web.post(httpPort, "127.0.0.1", "/api/reload").addQueryParam("reason", "x").send()).statusCode())
        .isEqualTo(401);
    HttpResponse<Buffer> noReason = await(web.post(httpPort, "127.0.0.1", "/api/reload")
        .putHeader("Authorization", "Bearer " + TOKEN).send());
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.bodyAsJsonObject().getString("error")).isEqualTo("reason_required");
    HttpResponse<Buffer> same = reload("nothing changed");
    assertThat(same.statusCode()).isEqualTo(200);
    assertThat(same.bodyAsJsonObject().getString("version")).isEqualTo(same.bodyAsJsonObject().getString("previous_version"));
    assertThat(same.bodyAsJsonObject().getInteger("unchanged")).isEqualTo(1);
  }

  /**
   * The sections that once replaced the verticle: a keyed family keeps its keys with their states, a
   * breaker whose dependency becomes another kind keeps its open state, and a cluster verdict comes
   * and goes, each without a redeploy.
   */
  @Test
  void keyedFamiliesNewKindsOfDependencyAndClusterVerdictsAreSwappedInPlace() throws Exception {
    TestServices.Redis redis = TestServices.redis();
    String trips = "\ndetection: { consecutive_failures: { enabled: true, threshold: 2 } }\n"
        + "transitions: { open_timeout: 10m, max_open_timeout: 10m }";
    String keyed = http(4) + trips + "\nkeyed: { by: \"header:fusebox-key\", max_keys: 1000, idle_expiry: 10m }";
    write("", Map.of("tenants", keyed, "store", http(2) + trips, "voted", http(2)));
    startNode();
    for (int i = 0; i < 2; i++) {
      assertThat(failureCode(send("tenants", "/fail", "acme"))).isEqualTo(502);
      assertThat(failureCode(callFailure("store", "/fail"))).isEqualTo(502);
    }
    assertThat(callWithKey("tenants", "/", "globex").getInteger("status")).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> snapshot("store").getString("state").equals("open"));
    long retryAt = snapshot("store").getLong("retry_at");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> keyState(snapshot("tenants"), "acme") != null);
    java.util.Set<String> deployments = node.vertx().deploymentIDs();

    write("", Map.of(
        "tenants", keyed.replace("max_keys: 1000", "max_keys: 500").replace("threshold: 2", "threshold: 3"),
        "store", "dependency: { type: redis, host: " + redis.host() + ", port: " + redis.port() + ", pool_size: 2 }" + trips,
        "voted", http(2) + "\ncluster_verdict: { quorum: 1 }"));
    JsonObject result = reload("keys, kind and verdict").bodyAsJsonObject();
    assertThat(result.getJsonArray("changed").getList()).containsExactlyInAnyOrder("tenants", "store", "voted");
    assertThat(result.getJsonArray("failed")).isEmpty();
    assertThat(node.vertx().deploymentIDs()).as("no verticle redeployed").isEqualTo(deployments);

    JsonObject tenants = awaitVersion("tenants", result.getString("version"));
    assertThat(keyState(tenants, "acme")).as("an open key kept through the reload").isEqualTo("open");
    assertThat(tenants.getJsonObject("keyed").getLong("keys")).isEqualTo(2);
    assertThat(callWithKey("tenants", "/", "globex").getInteger("status")).as("a closed key still closed").isEqualTo(200);
    assertThat(failureCode(send("tenants", "/", "acme"))).as("the open key still refuses").isEqualTo(503);

    JsonObject store = awaitVersion("store", result.getString("version"));
    assertThat(store.getString("dependency")).isEqualTo("redis");
    assertThat(store.getString("state")).as("open through the change of dependency").isEqualTo("open");
    assertThat(store.getLong("retry_at")).isCloseTo(retryAt, within(5L));

    JsonObject voted = awaitVersion("voted", result.getString("version"));
    assertThat(voted.getString("verdict")).as("a cluster verdict rule now").isEqualTo("closed");
    write("", Map.of("tenants", keyed, "store", http(2) + trips, "voted", http(2)));
    String third = reload("verdict off").bodyAsJsonObject().getString("version");
    assertThat(awaitVersion("voted", third).containsKey("verdict")).as("no rule, no verdict").isFalse();
    assertThat(node.vertx().deploymentIDs()).isEqualTo(deployments);
  }

  private JsonObject callWithKey(String breaker, String path, String key) {
    return await(node.vertx().eventBus().<JsonObject>request(Addresses.call(breaker),
        new JsonObject().put("method", "GET").put("path", path), new DeliveryOptions().addHeader("fusebox-key", key))).body();
  }

  /** The failure of a call with a key; null when it succeeded. */
  private Throwable send(String breaker, String path, String key) {
    return node.vertx().eventBus().request(Addresses.call(breaker), new JsonObject().put("method", "GET").put("path", path),
        new DeliveryOptions().addHeader("fusebox-key", key)).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await();
  }

  private static int failureCode(Throwable failure) {
    assertThat(failure).isInstanceOf(ReplyException.class);
    return ((ReplyException) failure).failureCode();
  }

  /** A key's state as the family's snapshot lists it, or null when it is not listed. */
  private static String keyState(JsonObject snapshot, String key) {
    JsonObject keyed = snapshot == null ? null : snapshot.getJsonObject("keyed");
    if (keyed == null) {
      return null;
    }
    return keyed.getJsonArray("listed").stream().map(JsonObject.class::cast).filter(k -> key.equals(k.getString("key")))
        .map(k -> k.getString("state")).findFirst().orElse(null);
  }
}
