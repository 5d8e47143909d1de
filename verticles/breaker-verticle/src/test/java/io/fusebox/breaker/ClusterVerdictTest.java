package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.testkit.BreakerHarness;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Three instances of one breaker, as three nodes would run them, each in front of its own upstream,
 * under {@code cluster_verdict: { quorum: 2 }}.
 */
class ClusterVerdictTest extends BreakerTestSupport {

  private final Map<String, FlakyHttpServer> upstreams = new HashMap<>();
  private final Map<String, String> deployments = new HashMap<>();

  private void deployInstances() {
    BreakerConfig config = quiet().consecutiveFailures(1).openTimeout(Duration.ofMillis(800))
        .maxOpenTimeout(Duration.ofMillis(800)).successThreshold(1).build();
    for (String node : List.of("n1", "n2", "n3")) {
      FlakyHttpServer server = await(FlakyHttpServer.start(vertx));
      upstreams.put(node, server);
      FuseboxConfig.Service service = new FuseboxConfig.Service("shared", "default", config,
          Map.of("type", "http", "base_url", server.baseUrl()), List.of(), null, new FuseboxConfig.Verdict(2, 0));
      deployments.put(node, await(vertx.deployVerticle(new BreakerVerticle(service, node, SNAPSHOT_INTERVAL, services()))));
    }
  }

  /** Calls spread over the three instances by the event bus. */
  private void traffic(int calls) {
    for (int i = 0; i < calls; i++) {
      try {
        client.http("shared").get("/t").await(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // failures and rejections are what the test provokes
      }
    }
  }

  private List<JsonObject> transitionsOf(String node) {
    return transitions.stream().filter(t -> node.equals(t.getString("node"))).toList();
  }

  private String stateOf(String node) {
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      if (node.equals(snapshots.get(i).getString("node"))) {
        return snapshots.get(i).getString("state");
      }
    }
    return null;
  }

  private void awaitState(String node, String state) {
    Awaitility.await(node + " becoming " + state + " (transitions: " + transitions + ")").atMost(Duration.ofSeconds(10))
        .until(() -> state.equals(stateOf(node)));
  }

  /** Keeps a little traffic going until the node's instance is closed again. */
  private void trafficUntilClosed(String node, int calls) {
    Awaitility.await(node + " closing again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          traffic(calls);
          return "closed".equals(stateOf(node));
        });
  }

  @Test
  void theQuorumOpensEveryInstanceOneProbesAndItsCloseClosesAll() {
    deployInstances();
    upstreams.get("n1").failAll();
    traffic(9);
    awaitState("n1", "open");
    BreakerHarness.holdsFor(Duration.ofMillis(6 * SNAPSHOT_INTERVAL.toMillis()),
        () -> "closed".equals(stateOf("n2")) && "closed".equals(stateOf("n3")));

    upstreams.get("n2").failAll();
    traffic(9);
    awaitState("n3", "open");
    assertThat(transitionsOf("n3")).first().satisfies(t -> assertThat(t.getString("reason")).startsWith("quorum 2/3 open"));

    transitions.clear();
    upstreams.values().forEach(FlakyHttpServer::healthy);
    trafficUntilClosed("n3", 3);
    assertThat(transitions.stream().filter(t -> "half_open".equals(t.getString("to"))).map(t -> t.getString("node")).distinct())
        .as("only the prober, the lowest node, went half-open").containsOnly("n1");
    awaitState("n2", "closed");
    awaitState("n3", "closed");
    assertThat(transitionsOf("n3")).last().satisfies(t -> assertThat(t.getString("reason")).isEqualTo("quorum_closed"));
  }

  @Test
  void deadNodesVerdictsExpireAndTheHeldInstanceGoesOnAlone() {
    deployInstances();
    upstreams.get("n1").failAll();
    upstreams.get("n2").failAll();
    traffic(12);
    awaitState("n3", "open");
    assertThat(transitionsOf("n3")).first().satisfies(t -> assertThat(t.getString("reason")).startsWith("quorum"));
    BreakerHarness.holdsFor(Duration.ofMillis(1500), () -> transitionsOf("n3").size() == 1);
    await(vertx.undeploy(deployments.get("n1")));
    await(vertx.undeploy(deployments.get("n2")));
    transitions.clear();
    trafficUntilClosed("n3", 2);
    assertThat(transitionsOf("n3")).as("once n1's and n2's reports expired, n3 probed for itself")
        .extracting(t -> t.getString("to")).contains("half_open", "closed");
  }
}
