package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.FreePorts;
import io.fusebox.testkit.Promtool;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The fat jar, started as a user would, in a JVM of its own. */
class LauncherIT {

  private static final Path ROOT = Path.of(System.getProperty("fusebox.root", "../..")).toAbsolutePath();

  @Test
  void theDemoStartsFromTheFatJarAndItsBreakersTripInTheLog() throws Exception {
    int http = FreePorts.next();
    int bridge = FreePorts.next();
    Map<String, String> ports = Map.of("FUSEBOX__FUSEBOX__HTTP__PORT", String.valueOf(http),
        "FUSEBOX__FUSEBOX__BRIDGE__PORT", String.valueOf(bridge));
    String bridgeAddress = "127.0.0.1:" + bridge;
    try (LaunchedNode node = LaunchedNode.start(ROOT, ports, "run")) {
      node.awaitOutput("node demo is up with 3 breaker(s)", Duration.ofSeconds(30));
      node.awaitOutput("event-bus bridge listening on " + bridgeAddress, Duration.ofSeconds(5));
      assertThat(node.output()).as("a clean start logs no warning").doesNotContain(" WARN ");

      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).contains("circuit_breaker_state{", "jvm_compilation_time_seconds_total", "process_cpu_seconds_total");
      Promtool.Verdict lint = Promtool.checkMetrics(metrics);
      assertThat(lint.passed()).as("promtool check metrics on the real node's /metrics said: " + lint.output()).isTrue();

      LaunchedNode.Result call = callThroughBridge(bridgeAddress, "{\"path\":\"/catalog\"}");
      assertThat(call.exitCode()).as(call.output()).isZero();
      assertThat(new JsonObject(call.output().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow())
          .getInteger("status")).isEqualTo(200);

      LaunchedNode.Result bad = callThroughBridge(bridgeAddress, "{\"path\":42}");
      assertThat(bad.exitCode()).isEqualTo(1);
      assertThat(bad.exitCode()).as("a call the breaker answers with an error failed; the command was right").isEqualTo(1);
      assertThat(bad.output()).contains("error 400 bad_request").contains("path must be a string starting with /");

      LaunchedNode.Result nobody = LaunchedNode.run(ROOT, "call", "nobody", "{}", "--bridge", bridgeAddress);
      assertThat(nobody.exitCode()).isEqualTo(1);
      assertThat(nobody.output()).contains("no breaker named nobody is deployed (is the node up with the bridge enabled?)")
          .doesNotContain("No handlers");

      node.awaitOutput("the upstream goes down", Duration.ofSeconds(20));
      node.awaitOutput("transition closed->open", Duration.ofSeconds(20));
      // catalog answers from its cache while its upstream is down, and says so on stderr
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        LaunchedNode.Result cached = callThroughBridge(bridgeAddress, "{\"path\":\"/catalog\"}");
        assertThat(cached.exitCode()).as(cached.output()).isZero();
        assertThat(cached.output()).containsPattern("answered by the \\w+ fallback");
      });
      assertThat(node.terminate()).as("a clean stop on SIGTERM exits 143 (128 + 15, the JVM's way)").isEqualTo(143);
    }
  }

  @Test
  void theBridgeOnlyLetsCallersSendToBreakers() throws Exception {
    int bridgePort = FreePorts.next();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bridge");
    Files.writeString(dir.resolve("fusebox.yaml"), """
        fusebox:
          node: { name: bridged }
          http: { port: %d }
          bridge: { enabled: true, host: 127.0.0.1, port: %d }
        """.formatted(FreePorts.next(), bridgePort));
    try (LaunchedNode node = LaunchedNode.start(dir, "run", "--conf", "fusebox.yaml")) {
      node.awaitOutput("node bridged is up", Duration.ofSeconds(30));
      for (String address : new String[] {"fusebox.admin", "fusebox.control.demo-upstream", "fusebox.events", "anything"}) {
        JsonObject reply = LaunchedNode.bridgeRequest(bridgePort, address, new JsonObject().put("action", "list"));
        assertThat(reply.getString("type")).as(address).isEqualTo("err");
        assertThat(reply.getString("message")).as(address).startsWith("access_denied: send may only go to fusebox.call.<breaker>");
      }
      JsonObject noBreaker = LaunchedNode.bridgeRequest(bridgePort, "fusebox.call.nobody", new JsonObject().put("path", "/"));
      assertThat(noBreaker.getString("type")).isEqualTo("err");
      assertThat(noBreaker.getString("failureType")).as("a call address is let through, and finds no breaker")
          .isEqualTo("NO_HANDLERS");
    }
  }

  @Test
  void aUserVerticleFromAJarInLibIsDeployedAndItsCallsReachABreaker() throws Exception {
    int upstreamPort = FreePorts.next();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "userverticle");
    LaunchedNode.packageCallerVerticle(dir.resolve("lib").resolve("caller.jar"));
    Files.writeString(dir.resolve("fusebox.yaml"), """
        fusebox:
          node: { name: with-user-code }
          http: { port: %d }
          verticles:
            - { class: io.fusebox.demo.DemoUpstreamVerticle, config: { port: %d } }
            - { class: io.fusebox.platform.it.CallerVerticle, config: { breaker: echo } }
        circuit_breakers:
          services:
            echo:
              dependency: { type: http, base_url: "http://127.0.0.1:%d" }
        """.formatted(FreePorts.next(), upstreamPort, upstreamPort));
    try (LaunchedNode node = LaunchedNode.start(dir, "run", "--conf", "fusebox.yaml")) {
      node.awaitOutput("deployed io.fusebox.platform.it.CallerVerticle x1", Duration.ofSeconds(30));
      node.awaitOutput("caller verticle got HTTP 200 from echo", Duration.ofSeconds(10));
    }
  }

  @Test
  void aForcedOpenBreakerIsStillForcedOpenAfterTheNodeRestartsWithAFileStore() throws Exception {
    aForcedOpenBreakerSurvivesANodeRestart("{ type: file, path: data/breakers.json }");
  }

  @Test
  void aForcedOpenBreakerIsStillForcedOpenAfterTheNodeRestartsWithARedisStore() throws Exception {
    TestServices.Redis redis = TestServices.redis();
    aForcedOpenBreakerSurvivesANodeRestart("{ type: redis, url: \"redis://%s:%d\", prefix: \"fusebox:test:%s:\" }"
        .formatted(redis.host(), redis.port(), UUID.randomUUID()));
  }

  private void aForcedOpenBreakerSurvivesANodeRestart(String store) throws Exception {
    int upstreamPort = FreePorts.next();
    int httpPort = FreePorts.next();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart");
    Files.writeString(dir.resolve("fusebox.yaml"), """
        fusebox:
          node: { name: durable }
          http: { port: %d, admin_token: t0ken }
          store: %s
          verticles:
            - { class: io.fusebox.demo.DemoUpstreamVerticle, config: { port: %d } }
        circuit_breakers:
          services:
            echo: { dependency: { type: http, base_url: "http://127.0.0.1:%d" } }
        """.formatted(httpPort, store, upstreamPort, upstreamPort));
    Vertx vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx);
    try {
      try (LaunchedNode node = LaunchedNode.start(dir, "run", "--conf", "fusebox.yaml")) {
        node.awaitOutput("node durable is up", Duration.ofSeconds(30));
        awaitListed(http, httpPort, "echo");
        assertThat(http.postAbs("http://127.0.0.1:" + httpPort + "/api/breakers/echo/force-open?reason=test")
            .putHeader("Authorization", "Bearer t0ken").send().await(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        node.awaitOutput("transition closed->forced_open", Duration.ofSeconds(5));
        assertThat(node.terminate()).as("the state is saved on the way down").isEqualTo(143);
      }
      try (LaunchedNode again = LaunchedNode.start(dir, "run", "--conf", "fusebox.yaml")) {
        again.awaitOutput("breaker=echo node=durable restored forced_open", Duration.ofSeconds(30));
        again.awaitOutput("node durable is up", Duration.ofSeconds(30));
        awaitListed(http, httpPort, "echo");
        JsonObject echo = http.getAbs("http://127.0.0.1:" + httpPort + "/api/breakers/echo").send().await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject().getJsonArray("instances").getJsonObject(0);
        assertThat(echo.getString("state")).isEqualTo("forced_open");
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBrokenConfigurationStopsTheNodeBeforeAnythingStarts() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "broken");
    Files.writeString(dir.resolve("fusebox.yaml"), "fusebox: { http: { port: eighty } }\n");
    LaunchedNode.Result run = LaunchedNode.run(dir, "run", "--conf", "fusebox.yaml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("fusebox.http.port: wrong type (got \"eighty\", expected an integer in 0..65535)")
        .doesNotContain("is up");
  }

  @Test
  void aPortAlreadyTakenIsNamedWithWhatWantedIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "taken");
      Files.writeString(dir.resolve("fusebox.yaml"), "fusebox: { http: { port: %d } }\n".formatted(taken.getLocalPort()));
      LaunchedNode.Result run = LaunchedNode.run(dir, "run", "--conf", "fusebox.yaml");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.output()).contains("port " + taken.getLocalPort()
          + " on 127.0.0.1 is already taken; the dashboard (fusebox.http.port) wanted it");
    }
  }

  @Test
  void sighupAndFuseboxReloadMakeARunningNodeReadItsFileAgain() throws Exception {
    int httpPort = FreePorts.next();
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "reload");
    String node = """
        fusebox:
          node: { name: reloaded }
          http: { port: %d, admin_token: reload-token-0123456789 }
        circuit_breakers:
          services:
            first: { dependency: { type: http, base_url: "http://127.0.0.1:1" } }
        """.formatted(httpPort);
    Path file = dir.resolve("fusebox.yaml");
    Files.writeString(file, node);
    try (LaunchedNode running = LaunchedNode.start(dir, "run", "--conf", "fusebox.yaml")) {
      running.awaitOutput("node reloaded is up with 1 breaker(s)", Duration.ofSeconds(30));
      String second = node + "    second: { dependency: { type: http, base_url: \"http://127.0.0.1:2\" } }\n";
      Files.writeString(file, second);
      running.hangUp();
      running.awaitOutput("reload by SIGHUP", Duration.ofSeconds(10));
      running.awaitOutput("breaker second protects http://127.0.0.1:2", Duration.ofSeconds(5));

      String url = "http://127.0.0.1:" + httpPort;
      Files.writeString(file, second.replace("127.0.0.1:2\"", "127.0.0.1:2\", pool_size: 0"));
      LaunchedNode.Result refused = LaunchedNode.run(dir, "reload", "--url", url, "--token", "reload-token-0123456789",
          "--reason", "a typo");
      assertThat(refused.exitCode()).isEqualTo(2);
      assertThat(refused.output()).contains("invalid_config").contains("circuit_breakers.services.second.dependency.pool_size");

      Files.writeString(file, node);
      LaunchedNode.Result applied = LaunchedNode.run(dir, "reload", "--url", url, "--token", "reload-token-0123456789",
          "--reason", "second is gone");
      assertThat(applied.exitCode()).as(applied.output()).isZero();
      assertThat(new JsonObject(applied.output()).getJsonArray("removed")).containsExactly("second");
    }
  }

  /** Waits until the node's API lists the breaker, which it does once the breaker has reported. */
  private static void awaitListed(WebClient http, int port, String breaker) {
    Awaitility.await(breaker + " listed").atMost(Duration.ofSeconds(10)).until(() -> http.getAbs(
            "http://127.0.0.1:" + port + "/api/breakers/" + breaker).send().await(10, TimeUnit.SECONDS).statusCode() == 200);
  }

  private static LaunchedNode.Result callThroughBridge(String bridgeAddress, String operation) throws Exception {
    return LaunchedNode.run(ROOT, "call", "catalog", operation, "--bridge", bridgeAddress);
  }



}
