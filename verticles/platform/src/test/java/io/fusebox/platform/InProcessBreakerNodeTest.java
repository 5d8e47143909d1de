package io.fusebox.platform;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.ConfigLoader;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An application's in-process breaker inside a node: a user verticle protects a WebClient call in
 * three lines, and the node's API, metrics and admin actions treat that breaker as one of theirs.
 */
class InProcessBreakerNodeTest {

  private static final String TOKEN = "in-process-test-token";

  private final Vertx vertx = Vertx.vertx();
  private FuseboxNode node;

  @AfterEach
  void stop() {
    if (node != null) {
      await(node.stop());
    }
    await(vertx.close());
  }

  @Test
  void aUserVerticlesBreakerIsOnTheApiTheMetricsAndObeysAdminActions() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    HttpServer catalogService = await(vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(status.get()).end("[]")).listen(0, "127.0.0.1"));
    int http = FreePorts.next();
    node = FuseboxNode.start(new ConfigLoader().parse("""
        fusebox:
          node: { name: app-node }
          http: { port: %d, admin_token: %s }
          snapshot_interval: 200ms
          verticles:
            - { class: io.fusebox.platform.it.CatalogVerticle, config: { port: %d } }
        circuit_breakers:
          in_process:
            catalog:
              detection: { consecutive_failures: { threshold: 2, noise_aware: false }, call_timeout: 2s }
              transitions: { open_timeout: 30s }
        """.formatted(http, TOKEN, catalogService.actualPort()), false, Map.of()), getClass().getClassLoader())
        .await(60, TimeUnit.SECONDS);
    WebClient web = WebClient.create(vertx);

    assertThat(await(node.vertx().eventBus().<JsonObject>request("app.catalog", "")).body().getInteger("status"))
        .isEqualTo(200);
    Awaitility.await().until(() -> instance(web, http) != null);
    JsonObject reported = instance(web, http);
    assertThat(reported.getString("kind")).isEqualTo("in_process");
    assertThat(reported.getString("node")).isEqualTo("app-node");
    assertThat(reported.getString("dependency")).isEqualTo("in_process");

    status.set(503);
    for (int i = 0; i < 2; i++) {
      node.vertx().eventBus().request("app.catalog", "").await(10, TimeUnit.SECONDS);
    }
    Awaitility.await().until(() -> "open".equals(instance(web, http).getString("state")));
    assertThat(failure(node.vertx().eventBus().request("app.catalog", ""))).isInstanceOf(ReplyException.class)
        .hasMessageContaining("circuit_open");
    Awaitility.await().until(() -> await(web.get(http, "127.0.0.1", "/metrics").send()).bodyAsString().lines()
        .anyMatch(l -> l.startsWith("circuit_breaker_requests_total{") && l.contains("name=\"catalog\"")
            && l.contains("result=\"failure\"") && l.endsWith(" 2.0")));

    var lasting = await(web.post(http, "127.0.0.1", "/api/breakers/catalog/force-open?reason=test&for=10m")
        .putHeader("Authorization", "Bearer " + TOKEN).send());
    assertThat(lasting.statusCode()).as("an in-process breaker keeps no expiry, so it is refused one").isEqualTo(400);
    assertThat(lasting.bodyAsJsonObject().getString("detail")).contains("in-process breaker keeps no expiry");

    status.set(200);
    assertThat(await(web.post(http, "127.0.0.1", "/api/breakers/catalog/close?reason=test")
        .putHeader("Authorization", "Bearer " + TOKEN).send()).statusCode()).isLessThan(300);
    Awaitility.await().until(() -> "closed".equals(instance(web, http).getString("state")));
    assertThat(await(node.vertx().eventBus().<JsonObject>request("app.catalog", "")).body().getInteger("status"))
        .isEqualTo(200);
  }

  private static JsonObject instance(WebClient web, int http) {
    var response = await(web.get(http, "127.0.0.1", "/api/breakers/catalog").send());
    if (response.statusCode() != 200) {
      return null;
    }
    return response.bodyAsJsonObject().getJsonArray("instances").getJsonObject(0);
  }
}
