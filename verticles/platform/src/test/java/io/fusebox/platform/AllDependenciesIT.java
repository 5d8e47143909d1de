package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.grpc.EchoServer;
import io.fusebox.testkit.FreePorts;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The journey of {@code conf/examples/all-dependencies.yaml}: one node, started from the fat jar with
 * one configuration file, protects an HTTP API, PostgreSQL, Redis and a gRPC service, each a real
 * server, and callers reach all four through the bridge.
 */
class AllDependenciesIT {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void oneConfigurationProtectsHttpPostgresRedisAndGrpc() throws Exception {
    FlakyHttpServer api = FlakyHttpServer.start(vertx).await(10, TimeUnit.SECONDS);
    EchoServer grpc = new EchoServer().start(vertx).await(10, TimeUnit.SECONDS);
    TestServices.Postgres pg = TestServices.postgres();
    TestServices.Redis redis = TestServices.redis();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "all-four");
    try (InputStream descriptor = EchoServer.class.getResourceAsStream("/echo.desc")) {
      assertThat(descriptor).as("echo.desc from the fusebox-grpc test jar").isNotNull();
      Files.copy(descriptor, dir.resolve("echo.desc"));
    }
    int bridge = FreePorts.next();
    Files.writeString(dir.resolve("fusebox.yaml"), """
        fusebox:
          node: { name: all-four }
          http: { port: %d }
          bridge: { enabled: true, host: 127.0.0.1, port: %d }
        circuit_breakers:
          default: { detection: { call_timeout: 5s } }
          services:
            api:
              dependency: { type: http, base_url: "%s", pool_size: 4 }
            orders:
              dependency: { type: pg, host: %s, port: %d, database: %s, user: %s, password: "%s", pool_size: 2 }
            cache:
              dependency: { type: redis, host: %s, port: %d, pool_size: 2 }
            edge_agent:
              dependency: { type: grpc, host: 127.0.0.1, port: %d, descriptor_set: echo.desc, service: fusebox.test.Echo }
        """.formatted(FreePorts.next(), bridge, api.baseUrl(), pg.host(), pg.port(), pg.database(), pg.user(),
        pg.password(), redis.host(), redis.port(), grpc.port()));

    try (LaunchedNode node = LaunchedNode.start(dir, "run", "--conf", "fusebox.yaml")) {
      node.awaitOutput("node all-four is up with 4 breaker(s)", Duration.ofSeconds(60));

      JsonObject http = call(bridge, "api", new JsonObject().put("path", "/hello"));
      assertThat(http.getInteger("status")).isEqualTo(200);
      assertThat(http.getJsonObject("body").getString("path")).isEqualTo("/hello");

      JsonObject rows = call(bridge, "orders", new JsonObject().put("sql", "SELECT $1::int + 1 AS n")
          .put("params", new JsonArray().add(41)));
      assertThat(rows.getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(42);

      String key = "fusebox:test:all-four:" + UUID.randomUUID();
      call(bridge, "cache", new JsonObject().put("command", "SET").put("args", new JsonArray().add(key).add("v1")));
      JsonObject got = call(bridge, "cache", new JsonObject().put("command", "GET").put("args", new JsonArray().add(key)));
      assertThat(got.getString("result")).isEqualTo("v1");
      call(bridge, "cache", new JsonObject().put("command", "DEL").put("args", new JsonArray().add(key)));

      JsonObject echo = call(bridge, "edge_agent", new JsonObject().put("method", "Say")
          .put("message", new JsonObject().put("text", "hi").put("times", 2)));
      assertThat(echo.getJsonObject("message").getJsonArray("parts")).containsExactly("hi", "hi");
      assertThat(grpc.calls()).isEqualTo(1);
    }
  }

  /** One call through the bridge; the reply body, or a failure that shows the whole frame. */
  private JsonObject call(int bridge, String breaker, JsonObject operation) throws Exception {
    JsonObject frame = LaunchedNode.bridgeRequest(bridge, "fusebox.call." + breaker, operation);
    assertThat(frame.getString("type")).as("reply to %s: %s", breaker, frame).isEqualTo("message");
    return frame.getJsonObject("body");
  }
}
