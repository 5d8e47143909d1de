package io.fusebox.platform;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.ConfigLoader;
import io.fusebox.protocol.Addresses;
import io.fusebox.testkit.FreePorts;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node's history, transitions log and audit trail, still there after the node restarts, with a file store and
 * with a Redis store. The minute under way when the node stops is kept too, which is what lets
 * this test run without waiting for a minute to end.
 */
class HistoryRestartTest {

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
  void theHistorySurvivesARestartWithAFileStore() throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "history");
    survivesARestart("{ type: file, path: \"" + dir.resolve("breakers.json") + "\" }");
    assertThat(dir.resolve("history").resolve("historic")).isDirectory();
  }

  @Test
  void theHistorySurvivesARestartWithARedisStore() throws Exception {
    TestServices.Redis redis = TestServices.redis();
    survivesARestart("{ type: redis, url: \"redis://%s:%d\", prefix: \"fusebox:test:%s:\" }"
        .formatted(redis.host(), redis.port(), UUID.randomUUID()));
  }

  private void survivesARestart(String store) throws Exception {
    HttpServer dependency = await(vertx.createHttpServer().requestHandler(request -> request.response()
        .setStatusCode(request.path().equals("/fail") ? 500 : 200).end()).listen(0, "127.0.0.1"));
    int http = FreePorts.next();
    String config = """
        fusebox:
          node: { name: historic }
          http: { port: %d, admin_token: history-token-0123456 }
          snapshot_interval: 100ms
          store: %s
        circuit_breakers:
          services:
            orders:
              dependency: { type: http, base_url: "http://127.0.0.1:%d" }
              detection: { consecutive_failures: { threshold: 3, noise_aware: false } }
        """.formatted(http, store, dependency.actualPort());
    WebClient web = WebClient.create(vertx);
    node = start(config);
    for (int i = 0; i < 5; i++) {
      call("/");
    }
    for (int i = 0; i < 3; i++) {
      call("/fail");
    }
    Awaitility.await("the calls and the trip in a snapshot").atMost(Duration.ofSeconds(10)).until(() -> {
      JsonObject s = await(web.get(http, "127.0.0.1", "/api/breakers/orders").send()).bodyAsJsonObject()
          .getJsonArray("instances").getJsonObject(0);
      return "open".equals(s.getString("state")) && s.getJsonObject("calls").getInteger("failure") == 3;
    });
    assertThat(await(web.post(http, "127.0.0.1", "/api/breakers/orders/reset").addQueryParam("reason", "after the fix")
        .putHeader("Authorization", "Bearer history-token-0123456").send()).statusCode()).isEqualTo(200);
    await(node.stop());

    node = start(config);
    JsonObject audited = await(web.get(http, "127.0.0.1", "/api/audit").putHeader("Authorization",
        "Bearer history-token-0123456").send()).bodyAsJsonObject().getJsonArray("entries").getJsonObject(0);
    assertThat(audited.getString("action")).as("the audit trail kept across the restart").isEqualTo("reset");
    assertThat(audited.getString("reason")).isEqualTo("after the fix");
    assertThat(audited.getString("node")).isEqualTo("historic");
    JsonObject history = await(web.get(http, "127.0.0.1", "/api/breakers/orders/history").send()).bodyAsJsonObject();
    JsonArray minutes = history.getJsonArray("minutes");
    int success = 0;
    int failure = 0;
    long open = 0;
    for (Object m : minutes) {
      JsonObject minute = (JsonObject) m;
      success += minute.getJsonObject("calls").getInteger("success");
      failure += minute.getJsonObject("calls").getInteger("failure");
      open += minute.getJsonObject("state_ms").getLong("open");
    }
    assertThat(success).as(history.encodePrettily()).isEqualTo(5);
    assertThat(failure).isEqualTo(3);
    assertThat(open).as("the time it was open before the restart").isPositive();
    JsonArray transitions = await(web.get(http, "127.0.0.1", "/api/transitions?breaker=orders").send())
        .bodyAsJsonObject().getJsonArray("transitions");
    JsonObject trip = transitions.stream().map(JsonObject.class::cast).filter(t -> "open".equals(t.getString("to"))
        && "closed".equals(t.getString("from"))).findFirst().orElseThrow();
    assertThat(trip.getString("reason")).startsWith("consecutive_failures");
    assertThat(trip.getJsonArray("errors").getJsonObject(0).getString("class")).isEqualTo("HTTP 500");
  }

  private FuseboxNode start(String config) throws Exception {
    return FuseboxNode.start(new ConfigLoader().parse(config, false, Map.of()), getClass().getClassLoader())
        .await(60, TimeUnit.SECONDS);
  }

  private void call(String path) {
    node.vertx().eventBus().request(Addresses.call("orders"), new JsonObject().put("method", "GET").put("path", path))
        .transform(ar -> io.vertx.core.Future.succeededFuture()).await();
  }
}
