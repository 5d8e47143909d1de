package io.fusebox.platform;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.ConfigLoader;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node of many breakers, the smoke run of {@code ManyBreakers} (reliability/): every one of them
 * is on the API and in the metrics, and a call through one is answered meanwhile. How fast, at
 * 10,000, is measured by that driver, not here.
 */
class ManyBreakersNodeTest {

  private static final int BREAKERS = 500;

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
  void everyBreakerIsListedAndMeasuredAndCallsGoThrough() throws Exception {
    HttpServer dependency = await(vertx.createHttpServer()
        .requestHandler(request -> request.response().end("ok")).listen(0, "127.0.0.1"));
    int http = FreePorts.next();
    StringBuilder services = new StringBuilder();
    for (int i = 0; i < BREAKERS; i++) {
      services.append("    b").append(i).append(": { dependency: { type: http, base_url: \"http://127.0.0.1:")
          .append(dependency.actualPort()).append("\", pool_size: 1 } }\n");
    }
    node = FuseboxNode.start(new ConfigLoader().parse("""
        fusebox:
          node: { name: many }
          http: { port: %d }
          snapshot_interval: 500ms
        circuit_breakers:
          services:
        %s""".formatted(http, services), false, Map.of()), getClass().getClassLoader()).await(60, TimeUnit.SECONDS);
    WebClient web = WebClient.create(vertx);

    Awaitility.await("every breaker on /api/breakers").atMost(Duration.ofSeconds(30)).until(() ->
        await(web.get(http, "127.0.0.1", "/api/breakers").send()).bodyAsJsonObject().getJsonArray("breakers").size()
            == BREAKERS);
    String metrics = await(web.get(http, "127.0.0.1", "/metrics").send()).bodyAsString();
    assertThat(metrics.lines().filter(l -> l.startsWith("circuit_breaker_state{"))).hasSize(BREAKERS);
    assertThat(metrics.lines().filter(l -> l.startsWith("circuit_breaker_requests_total{"))).hasSize(5 * BREAKERS);
    JsonObject reply = await(node.vertx().eventBus().<JsonObject>request("fusebox.call.b" + (BREAKERS - 1),
        new JsonObject().put("method", "GET").put("path", "/"))).body();
    assertThat(reply.getInteger("status")).isEqualTo(200);
    Awaitility.await("the call in the breaker's metrics").atMost(Duration.ofSeconds(10)).until(() ->
        await(web.get(http, "127.0.0.1", "/metrics").send()).bodyAsString().lines().anyMatch(l ->
            l.startsWith("circuit_breaker_requests_total{name=\"b" + (BREAKERS - 1) + "\"")
                && l.contains("result=\"success\"") && l.endsWith(" 1.0")));
  }
}
