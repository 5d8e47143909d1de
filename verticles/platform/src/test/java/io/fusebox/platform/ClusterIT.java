package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Three nodes in separate JVMs, clustered over Hazelcast on loopback: one platform. Every process
 * the test starts is stopped at the end.
 */
class ClusterIT {

  private static final String TOKEN = "cluster-secret";

  @Test
  void threeNodesActAsOnePlatform() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cluster");
    int hz = FreePorts.block(3);
    String members = LaunchedNode.members(hz, 3);
    int upstream = FreePorts.next();
    int httpA = FreePorts.next();
    int bridgeA = FreePorts.next();
    Files.writeString(dir.resolve("b.yaml"), node("node-b", FreePorts.next(), hz, members, """
          verticles:
            - { class: io.fusebox.demo.DemoUpstreamVerticle, config: { port: %d } }
        """.formatted(upstream), echo(upstream)));
    Files.writeString(dir.resolve("c.yaml"), node("node-c", FreePorts.next(), hz, members, "", echo(upstream)));
    Path a = Files.createDirectories(dir.resolve("a"));
    LaunchedNode.packageCallerVerticle(a.resolve("lib").resolve("caller.jar"));
    Files.writeString(a.resolve("a.yaml"), node("node-a", httpA, hz, members, """
          bridge: { enabled: true, host: 127.0.0.1, port: %d }
          verticles:
            - { class: io.fusebox.platform.it.CallerVerticle, config: { breaker: echo } }
        """.formatted(bridgeA), ""));

    Vertx vertx = Vertx.vertx();
    WebClient http = WebClient.create(vertx);
    try (LaunchedNode b = LaunchedNode.start(dir, "run", "--conf", "b.yaml");
         LaunchedNode c = LaunchedNode.start(dir, "run", "--conf", "c.yaml")) {
      b.awaitOutput("node node-b is up", Duration.ofSeconds(60));
      c.awaitOutput("node node-c is up", Duration.ofSeconds(60));
      try (LaunchedNode nodeA = LaunchedNode.start(a, "run", "--conf", "a.yaml")) {
        nodeA.awaitOutput("node node-a is up", Duration.ofSeconds(60));
        nodeA.awaitOutput("caller verticle got HTTP 200 from echo", Duration.ofSeconds(20));

        awaitInstances(http, httpA, List.of("echo@node-b", "echo@node-c"));

        String bridge = "127.0.0.1:" + bridgeA;
        for (int i = 0; i < 5; i++) {
          assertThat(LaunchedNode.run(a, "call", "echo", "{\"path\":\"/spread\"}", "--bridge", bridge).exitCode()).isZero();
        }

        var forced = http.postAbs("http://127.0.0.1:" + httpA + "/api/breakers/echo/force-open?reason=test")
            .putHeader("Authorization", "Bearer " + TOKEN).send().await(10, TimeUnit.SECONDS);
        assertThat(forced.statusCode()).isEqualTo(200);
        awaitStates(http, httpA, Map.of("node-b", "forced_open", "node-c", "forced_open"));
        var closed = http.postAbs("http://127.0.0.1:" + httpA + "/api/breakers/echo/close?reason=test")
            .putHeader("Authorization", "Bearer " + TOKEN).send().await(10, TimeUnit.SECONDS);
        assertThat(closed.statusCode()).isEqualTo(200);
        awaitStates(http, httpA, Map.of("node-b", "closed", "node-c", "closed"));
        // node-a's API merges the transitions that node-b and node-c each keep of their instances
        var transitions = http.getAbs("http://127.0.0.1:" + httpA + "/api/transitions?breaker=echo").send()
            .await(10, TimeUnit.SECONDS).bodyAsJsonObject().getJsonArray("transitions");
        assertThat(transitions.stream().map(t -> ((JsonObject) t).getString("node") + ":" + ((JsonObject) t).getString("to")))
            .contains("node-b:forced_open", "node-c:forced_open", "node-b:closed", "node-c:closed");

        c.kill();
        awaitInstances(http, httpA, List.of("echo@node-b"));
        int answered = 0;
        long until = System.currentTimeMillis() + 30_000;
        while (answered < 5 && System.currentTimeMillis() < until) {
          answered = LaunchedNode.run(a, "call", "echo", "{\"path\":\"/after-kill\"}", "--bridge", bridge, "--timeout-ms", "3000")
              .exitCode() == 0 ? answered + 1 : 0;
        }
        assertThat(answered).as("after node-c died, node-b's instance answers every call").isEqualTo(5);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aQuorumOfNodesOpensEveryInstanceAndNeverOneNodesSay() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "quorum");
    int hz = FreePorts.block(3);
    String members = LaunchedNode.members(hz, 3);
    int[] http = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
    String[] names = {"node-a", "node-b", "node-c"};
    List<LaunchedNode> nodes = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx);
    try {
      for (int i = 0; i < 3; i++) {
        int upstream = FreePorts.next();
        String traffic = "";
        if (i == 2) {
          traffic = "    - { class: io.fusebox.demo.TrafficGeneratorVerticle, config: { breakers: [shared], rate_per_second: 30 } }\n";
        }
        String verticles = "  verticles:\n    - { class: io.fusebox.demo.DemoUpstreamVerticle, config: { port: " + upstream + " } }\n"
            + traffic;
        String services = "circuit_breakers:\n  services:\n    shared:\n"
            + "      dependency: { type: http, base_url: \"http://127.0.0.1:" + upstream + "\" }\n"
            + "      detection: { consecutive_failures: { threshold: 2 } }\n"
            + "      transitions: { open_timeout: 2s, max_open_timeout: 2s }\n"
            + "      cluster_verdict: { quorum: 2 }\n";
        Files.writeString(dir.resolve(names[i] + ".yaml"), node(names[i], http[i], hz, members, verticles, services));
        nodes.add(LaunchedNode.start(dir, "run", "--conf", names[i] + ".yaml"));
      }
      for (int i = 0; i < 3; i++) {
        nodes.get(i).awaitOutput("node " + names[i] + " is up", Duration.ofSeconds(60));
      }
      awaitStates(client, http[0], Map.of("node-a", "closed", "node-b", "closed", "node-c", "closed"));
      // a node's traffic may reach its demo upstream before that listens: judge only what follows
      int seenOfB = nodes.get(1).output().length();
      int seenOfC = nodes.get(2).output().length();

      setErrorRate(client, http[0], 1.0);
      awaitStates(client, http[0], Map.of("node-a", "open", "node-b", "closed", "node-c", "closed"));
      // one node's say opens no other instance
      BreakerHarness.holdsFor(Duration.ofSeconds(3), () -> {
        Map<String, String> now = states(client, http[0]);
        return "closed".equals(now.get("node-b")) && "closed".equals(now.get("node-c"));
      });

      setErrorRate(client, http[1], 1.0);
      awaitStates(client, http[0], Map.of("node-b", "open", "node-c", "open"));
      assertThat(nodes.get(2).output()).contains("breaker=shared node=node-c transition closed->open reason=\"quorum 2/3 open\"");

      setErrorRate(client, http[0], 0.0);
      setErrorRate(client, http[1], 0.0);
      awaitStates(client, http[0], Map.of("node-a", "closed", "node-b", "closed", "node-c", "closed"));
      assertThat(nodes.get(1).output().substring(seenOfB) + nodes.get(2).output().substring(seenOfC))
          .as("only node-a, the prober, went half-open")
          .doesNotContain("->half_open");

      setErrorRate(client, http[0], 1.0);
      setErrorRate(client, http[1], 1.0);
      awaitStates(client, http[2], Map.of("node-a", "open", "node-b", "open", "node-c", "open"));
      nodes.get(0).kill();
      nodes.get(1).kill();
      awaitStates(client, http[2], Map.of("node-c", "closed"));
      assertThat(states(client, http[2])).as("the dead nodes' reports expired").containsOnlyKeys("node-c");
    } finally {
      for (LaunchedNode n : nodes) {
        n.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void setErrorRate(WebClient client, int port, double rate) throws Exception {
    var reply = client.postAbs("http://127.0.0.1:" + port + "/api/controls/demo-upstream")
        .sendJsonObject(new JsonObject().put("error_rate", rate)).await(10, TimeUnit.SECONDS);
    assertThat(reply.statusCode()).isEqualTo(200);
  }

  private static Map<String, String> states(WebClient client, int port) throws Exception {
    Map<String, String> states = new TreeMap<>();
    for (Object o : instances(client, port)) {
      JsonObject s = (JsonObject) o;
      states.put(s.getString("node"), s.getString("state"));
    }
    return states;
  }

  /** Waits until the listing shows these states (other nodes may be in any state). */
  private static void awaitStates(WebClient client, int port, Map<String, String> expected) throws Exception {
    Awaitility.await("states " + expected).atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(states(client, port)).containsAllEntriesOf(expected));
  }

  private static String node(String name, int httpPort, int hz, String members, String extra, String services) {
    return """
        fusebox:
          node: { name: %s }
          http: { port: %d, admin_token: %s }
          snapshot_interval: 500ms
          cluster: { enabled: true, host: 127.0.0.1, port: %d, members: %s }
        %s%s""".formatted(name, httpPort, TOKEN, hz, members, extra, services);
  }

  private static String echo(int upstream) {
    return """
        circuit_breakers:
          services:
            echo: { dependency: { type: http, base_url: "http://127.0.0.1:%d" } }
        """.formatted(upstream);
  }

  private static JsonArray instances(WebClient http, int port) throws Exception {
    return http.getAbs("http://127.0.0.1:" + port + "/api/breakers").send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getJsonArray("breakers");
  }

  /** Waits until node-a's API lists exactly these breaker@node instances. */
  private static void awaitInstances(WebClient http, int port, List<String> expected) throws Exception {
    Awaitility.await("instances " + expected).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(instances(http, port).stream()
            .map(o -> ((JsonObject) o).getString("breaker") + "@" + ((JsonObject) o).getString("node")).sorted().toList())
            .containsExactlyElementsOf(expected));
  }
}
