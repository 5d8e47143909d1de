package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A keyed family end to end, through a breaker verticle in front of a real HTTP server: a core
 * breaker per key, only failing keys open, keys forgotten beyond max_keys and when idle, admin
 * actions that take a key, and calls without their key refused as the caller's fault.
 */
class KeyedFamilyTest extends BreakerTestSupport {

  private static final String KEY_HEADER = "fusebox-key";
  private HttpServer dependency;
  private final AtomicInteger requestsReceived = new AtomicInteger();

  @BeforeEach
  void startDependency() {
    // a tenant's calls fail when its path says so
    dependency = await(vertx.createHttpServer().requestHandler(request -> {
      requestsReceived.incrementAndGet();
      request.response().setStatusCode(request.path().startsWith("/fail") ? 500 : 200).end("{}");
    }).listen(0, "127.0.0.1"));
  }

  private void deployFamily(String name, String by, int maxKeys, Duration idle) {
    FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default",
        quiet().consecutiveFailures(3).build(),
        Map.of("type", "http", "base_url", "http://127.0.0.1:" + dependency.actualPort(), "pool_size", 16),
        List.of(), null, null, new FuseboxConfig.Keyed(by, maxKeys, idle));
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-test", SNAPSHOT_INTERVAL, services())));
  }

  private Future<Message<Object>> call(String family, String key, String path) {
    DeliveryOptions options = new DeliveryOptions();
    if (key != null) {
      options.addHeader(KEY_HEADER, key);
    }
    return vertx.eventBus().request(Addresses.call(family), new JsonObject().put("method", "GET").put("path", path),
        options);
  }

  private static ReplyException refusal(Future<?> call) {
    return (ReplyException) failure(call);
  }

  @Test
  void onlyTheFailingKeysOpenAndNoHealthyKeyIsEverRejected() {
    deployFamily("tenants", "header:" + KEY_HEADER, 1000, Duration.ofMinutes(10));
    List<String> bad = List.of("t3", "t17", "t29");
    for (int round = 0; round < 5; round++) {
      for (int t = 0; t < 40; t++) {
        String key = "t" + t;
        Future<Message<Object>> reply = call("tenants", key, bad.contains(key) ? "/fail" : "/ok");
        if (bad.contains(key)) {
          failure(reply);
        } else {
          assertThat(await(reply).headers().get("fusebox-state")).as("healthy key " + key).isEqualTo("closed");
        }
      }
    }
    for (String key : bad) {
      ReplyException open = refusal(call("tenants", key, "/fail"));
      assertThat(open.failureCode()).isEqualTo(503);
      assertThat(open.getMessage()).contains("circuit_open").contains("for this key");
    }
    JsonObject keyed = Awaitility.await("the family's snapshot with its open keys").atMost(Duration.ofSeconds(5))
        .until(() -> latestKeyed("tenants"), k -> k != null && k.getInteger("not_closed") == 3);
    assertThat(keyed.getString("by")).isEqualTo("header:" + KEY_HEADER);
    assertThat(keyed.getLong("keys")).isEqualTo(40);
    assertThat(keyed.getJsonArray("listed").stream().map(o -> ((JsonObject) o).getString("key")))
        .containsExactlyInAnyOrderElementsOf(bad);
    assertThat(transitions.stream().filter(t -> "open".equals(t.getString("to"))).map(t -> t.getString("key")))
        .containsExactlyInAnyOrderElementsOf(bad);
    assertThat(transitions).as("a key's transition is published under its family's name, with the key beside it")
        .allSatisfy(t -> assertThat(t.getString("breaker")).isEqualTo("tenants"));
  }

  @Test
  void aCallWithoutItsKeyIsTheCallersFault() {
    deployFamily("tenants", "header:" + KEY_HEADER, 1000, Duration.ofMinutes(10));
    int before = requestsReceived.get();
    ReplyException missing = refusal(call("tenants", null, "/ok"));
    assertThat(missing.failureCode()).isEqualTo(400);
    assertThat(missing.getMessage()).contains("keyed by header:" + KEY_HEADER);
    ReplyException tooLong = refusal(call("tenants", "k".repeat(KeySource.MAX_KEY_LENGTH + 1), "/ok"));
    assertThat(tooLong.failureCode()).isEqualTo(400);
    assertThat(requestsReceived.get()).as("nothing reached the dependency").isEqualTo(before);
    JsonObject keyed = Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> latestKeyed("tenants"),
        k -> k != null);
    assertThat(keyed.getLong("keys")).as("no key made for a refused call").isZero();
  }

  @Test
  void aFieldKeyIsTakenOutOfTheOperationBeforeTheDependencySeesIt() {
    deployFamily("by-field", "field:tenant", 1000, Duration.ofMinutes(10));
    // the HTTP adapter refuses unknown fields: a success shows the key was taken out
    Message<Object> reply = await(vertx.eventBus().request(Addresses.call("by-field"),
        new JsonObject().put("method", "GET").put("path", "/ok").put("tenant", "acme")));
    assertThat(reply.headers().get("fusebox-state")).isEqualTo("closed");
    JsonObject keyed = Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> latestKeyed("by-field"),
        k -> k != null && k.getLong("keys") == 1);
    assertThat(keyed.getString("by")).isEqualTo("field:tenant");
  }

  @Test
  void keysBeyondMaxKeysAndIdleKeysAreForgottenAndCounted() {
    deployFamily("bounded", "header:" + KEY_HEADER, 10, Duration.ofSeconds(3));
    List<Future<Message<Object>>> calls = new ArrayList<>();
    for (int k = 0; k < 30; k++) {
      calls.add(call("bounded", "k" + k, "/ok"));
    }
    calls.forEach(BreakerTestSupport::await);
    JsonObject keyed = Awaitility.await("keys beyond max_keys forgotten").atMost(Duration.ofSeconds(5))
        .until(() -> latestKeyed("bounded"), k -> k != null && k.getJsonObject("forgotten").getLong("size") == 20);
    assertThat(keyed.getLong("keys")).isEqualTo(10);
    Awaitility.await("idle keys forgotten").atMost(Duration.ofSeconds(15))
        .until(() -> latestKeyed("bounded"), k -> k.getLong("keys") == 0 && k.getJsonObject("forgotten").getLong("idle") == 10);
  }

  @Test
  void adminActionsTakeAKeyAndTheFamilyStillAnswersAsAWhole() {
    deployFamily("tenants", "header:" + KEY_HEADER, 1000, Duration.ofMinutes(10));
    await(vertx.deployVerticle(new AdminVerticle(SNAPSHOT_INTERVAL)));
    await(call("tenants", "acme", "/ok"));
    await(call("tenants", "globex", "/ok"));
    Awaitility.await("the admin handler hearing of the family").atMost(Duration.ofSeconds(5)).until(() ->
        vertx.eventBus().request(Addresses.ADMIN, new JsonObject().put("action", "get").put("breaker", "tenants"))
            .otherwiseEmpty().await() != null);

    JsonObject done = await(vertx.eventBus().<JsonObject>request(Addresses.ADMIN,
        new JsonObject().put("action", "force_open").put("breaker", "tenants").put("key", "acme"))).body();
    assertThat(done.getString("key")).isEqualTo("acme");
    Awaitility.await("acme forced open").atMost(Duration.ofSeconds(5)).until(() ->
        call("tenants", "acme", "/ok").otherwiseEmpty().await() == null);
    assertThat(refusal(call("tenants", "acme", "/ok")).getMessage()).contains("forced_open");
    assertThat(await(call("tenants", "globex", "/ok")).headers().get("fusebox-state")).isEqualTo("closed");

    await(vertx.eventBus().request(Addresses.ADMIN, new JsonObject().put("action", "close").put("breaker", "tenants")
        .put("key", "acme")));
    Awaitility.await("acme closed again").atMost(Duration.ofSeconds(5)).until(() ->
        call("tenants", "acme", "/ok").otherwiseEmpty().await() != null);

    await(vertx.eventBus().request(Addresses.ADMIN, new JsonObject().put("action", "force_open").put("breaker", "tenants")));
    Awaitility.await("the whole family forced open").atMost(Duration.ofSeconds(5)).until(() ->
        call("tenants", "globex", "/ok").otherwiseEmpty().await() == null);

    ReplyException fallbackWithKey = refusal(vertx.eventBus().request(Addresses.ADMIN,
        new JsonObject().put("action", "fallback_off").put("breaker", "tenants").put("key", "acme")));
    assertThat(fallbackWithKey.failureCode()).isEqualTo(400);
    assertThat(fallbackWithKey.getMessage()).contains("takes no key");
  }

  @Test
  void aBreakerThatIsNotKeyedRefusesAKeyInAnAdminAction() {
    deploy("plain", quiet().build());
    await(vertx.deployVerticle(new AdminVerticle(SNAPSHOT_INTERVAL)));
    Awaitility.await("the admin handler hearing of the breaker").atMost(Duration.ofSeconds(5)).until(() ->
        vertx.eventBus().request(Addresses.ADMIN, new JsonObject().put("action", "get").put("breaker", "plain"))
            .otherwiseEmpty().await() != null);
    ReplyException refused = refusal(vertx.eventBus().request(Addresses.ADMIN,
        new JsonObject().put("action", "force_open").put("breaker", "plain").put("key", "acme")));
    assertThat(refused.failureCode()).isEqualTo(400);
    assertThat(refused.getMessage()).contains("is not keyed");
  }

  private JsonObject latestKeyed(String family) {
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      if (family.equals(snapshots.get(i).getString("breaker"))) {
        return snapshots.get(i).getJsonObject("keyed");
      }
    }
    return null;
  }
}
