package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.BreakerHarness;
import io.vertx.core.Vertx;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A split brain, for real: five nodes in their own network namespaces, a breaker on each under
 * {@code cluster_verdict: { quorum_ratio: 0.5 }}, and the cluster's network cut between nodes 1-2
 * and 3-5 (each side goes on as a cluster of its own). On the side of three, two instances open by
 * their own detectors: two of five is no quorum, so the third stays closed (judged by the instances
 * it heard lately, two of three would have been). An override made on one side reaches only that
 * side, and stays there after the heal. Healed, the sides merge into one cluster; once the merged
 * nodes have told the others again where they listen, an admin action reaches every instance; and
 * three instances open by their own detectors open all five.
 */
class PartitionIT {

  private static final int NODES = 5;
  private static final String TOKEN = "partition-secret";
  private static final int HTTP_PORT = 8080;
  private static final int UPSTREAM_PORT = 9100;

  @Test
  void aSideWithoutAQuorumNeverOpensEveryInstanceAndTheVerdictsConvergeWhenHealed() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "partition");
    String members = IntStream.rangeClosed(1, NODES).mapToObj(n -> "\"" + NetworkNamespaces.clusterAddress(n) + ":5701\"")
        .collect(Collectors.joining(", ", "[", "]"));
    List<LaunchedNode> nodes = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx);
    try (NetworkNamespaces net = NetworkNamespaces.create(NODES)) {
      try {
        run(net, dir, members, nodes, client);
      } finally {
        for (LaunchedNode node : nodes) {
          node.close();
        }
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static void run(NetworkNamespaces net, Path dir, String members, List<LaunchedNode> nodes, WebClient client)
      throws Exception {
    for (int n = 1; n <= NODES; n++) {
      Files.writeString(dir.resolve("n" + n + ".yaml"), config(n, members));
      nodes.add(LaunchedNode.startIn(NetworkNamespaces.namespace(n), dir, Map.of("JAVA_TOOL_OPTIONS", "-Xmx192m"),
          "run", "--conf", "n" + n + ".yaml"));
    }
    for (int n = 1; n <= NODES; n++) {
      nodes.get(n - 1).awaitOutput("node node-" + n + " is up", Duration.ofSeconds(90));
    }
    awaitStates(client, 1, Map.of("node-1", "closed", "node-2", "closed", "node-3", "closed", "node-4", "closed",
        "node-5", "closed"));

    // while the demo's upstreams start, early calls fail and a quorum may open the breakers for a
    // moment: what node-5 does on its side's word is read from the cut on
    int node5Before = nodes.get(4).output().length();
    long cut = System.nanoTime();
    net.cut(1, 2);
    nodes.get(2).awaitOutput("node node-1 left the cluster", Duration.ofSeconds(30));
    nodes.get(0).awaitOutput("node node-3 left the cluster", Duration.ofSeconds(30));
    long apart = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
    awaitInstances(client, 3, List.of("node-3", "node-4", "node-5"));
    awaitInstances(client, 1, List.of("node-1", "node-2"));

    setErrorRate(client, 3, 1.0);
    setErrorRate(client, 4, 1.0);
    awaitStates(client, 3, Map.of("node-3", "open", "node-4", "open"));
    BreakerHarness.holdsFor(Duration.ofSeconds(3), () -> "closed".equals(states(client, 3).get("node-5")));
    assertThat(nodes.get(4).output().substring(node5Before)).as("node-5 opened on its side's word")
        .doesNotContain("quorum 2/");

    // an override during the partition reaches the side it was made on
    assertThat(admin(client, 1, "force-open", "").statusCode()).isEqualTo(200);
    awaitStates(client, 1, Map.of("node-1", "forced_open", "node-2", "forced_open"));
    assertThat(states(client, 3)).doesNotContainValue("forced_open");

    long healed = System.nanoTime();
    net.heal();
    awaitInstances(client, 1, List.of("node-1", "node-2", "node-3", "node-4", "node-5"));
    awaitInstances(client, 3, List.of("node-1", "node-2", "node-3", "node-4", "node-5"));
    System.out.printf("partition: two clusters %d ms after the cut; healed, both sides listed all five instances"
        + " %d ms after%n", apart, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed));
    // for a moment after the heal, node-3 may list states node-1 published during the partition:
    // Vert.x delivers what it had queued for a node it could not reach, the newest last
    awaitStates(client, 3, Map.of("node-1", "forced_open", "node-2", "forced_open"));
    assertThat(states(client, 3)).as("the override stays where it was made").doesNotContainEntry("node-5", "forced_open");

    // in one run of five, before the merged nodes told the others again where they listen, a close
    // sent through node-1 never reached node-2: node-1's Vert.x had lost node-2's consumer in the merge
    for (int merged : new int[] {0, 1}) {
      nodes.get(merged).awaitOutput("after the merge, every node was told again", Duration.ofSeconds(60));
    }
    assertThat(admin(client, 1, "close", "").statusCode()).isEqualTo(200);
    awaitStates(client, 3, Map.of("node-1", "closed", "node-2", "closed"));
    awaitStates(client, 1, Map.of("node-1", "closed", "node-2", "closed"));

    // one cluster again: the verdict is the whole cluster's
    setErrorRate(client, 5, 1.0);
    awaitStates(client, 1, Map.of("node-1", "open", "node-2", "open", "node-3", "open", "node-4", "open",
        "node-5", "open"));
    assertThat(nodes.get(1).output()).as("node-2, healthy itself, opened by the quorum of the whole cluster")
        .contains("node=node-2 transition closed->open reason=\"quorum 3/5 open\"");
  }

  private static String config(int n, String members) {
    return """
        fusebox:
          node: { name: node-%d }
          http: { host: %s, port: %d, admin_token: %s }
          snapshot_interval: 500ms
          cluster: { enabled: true, host: %s, port: 5701, members: %s }
          verticles:
            - { class: io.fusebox.demo.DemoUpstreamVerticle, config: { port: %d } }
            - { class: io.fusebox.demo.TrafficGeneratorVerticle, config: { breakers: [shared], rate_per_second: 30 } }
        circuit_breakers:
          services:
            shared:
              dependency: { type: http, base_url: "http://127.0.0.1:%d" }
              detection: { consecutive_failures: { threshold: 2 } }
              transitions: { open_timeout: 2s, max_open_timeout: 2s }
              cluster_verdict: { quorum_ratio: 0.5 }
        """.formatted(n, NetworkNamespaces.managementAddress(n), HTTP_PORT, TOKEN, NetworkNamespaces.clusterAddress(n),
        members, UPSTREAM_PORT, UPSTREAM_PORT);
  }

  private static String url(int node, String path) {
    return "http://" + NetworkNamespaces.managementAddress(node) + ":" + HTTP_PORT + path;
  }

  private static void setErrorRate(WebClient client, int node, double rate) throws Exception {
    var reply = client.postAbs(url(node, "/api/controls/demo-upstream"))
        .sendJsonObject(new JsonObject().put("error_rate", rate)).await(10, TimeUnit.SECONDS);
    assertThat(reply.statusCode()).isEqualTo(200);
  }

  private static io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> admin(WebClient client, int node,
      String action, String moreParameters) throws Exception {
    return client.postAbs(url(node, "/api/breakers/shared/" + action + "?reason=partition%20test" + moreParameters))
        .putHeader("Authorization", "Bearer " + TOKEN).send().await(10, TimeUnit.SECONDS);
  }

  /** Each instance's state, by node, as the given node's API lists them. */
  private static Map<String, String> states(WebClient client, int node) throws Exception {
    Map<String, String> states = new TreeMap<>();
    for (Object o : client.getAbs(url(node, "/api/breakers")).send().await(10, TimeUnit.SECONDS)
        .bodyAsJsonObject().getJsonArray("breakers")) {
      JsonObject s = (JsonObject) o;
      states.put(s.getString("node"), s.getString("state"));
    }
    return states;
  }

  private static void awaitStates(WebClient client, int node, Map<String, String> expected) {
    Awaitility.await("states " + expected + " at node-" + node).atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(states(client, node)).containsAllEntriesOf(expected));
  }

  private static void awaitInstances(WebClient client, int node, List<String> expected) {
    Awaitility.await("instances on " + expected + " at node-" + node).atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> assertThat(states(client, node).keySet()).containsExactlyElementsOf(expected));
  }
}
