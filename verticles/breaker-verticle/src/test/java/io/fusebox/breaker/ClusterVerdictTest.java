package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.demo.FlakyHttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        client.http("shared").get("/t").await(5, java.util.concurrent.TimeUnit.SECONDS);
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
    long until = System.currentTimeMillis() + 10_000;
    while (!state.equals(stateOf(node))) {
      if (System.currentTimeMillis() > until) {
        throw new AssertionError(node + " never became " + state + "; transitions: " + transitions);
      }
      sleep(20);
    }
  }

  @Test
  void theQuorumOpensEveryInstanceOneProbesAndItsCloseClosesAll() {
    deployInstances();
    upstreams.get("n1").failAll();
    traffic(9);
    awaitState("n1", "open");
    sleep(6 * SNAPSHOT_INTERVAL.toMillis());
    assertThat(stateOf("n2")).as("one node's say opens nothing else").isEqualTo("closed");
    assertThat(stateOf("n3")).isEqualTo("closed");

    upstreams.get("n2").failAll();
    traffic(9);
    awaitState("n3", "open");
    assertThat(transitionsOf("n3")).first().satisfies(t -> assertThat(t.getString("reason")).startsWith("quorum 2/3 open"));

    transitions.clear();
    upstreams.values().forEach(FlakyHttpServer::healthy);
    long until = System.currentTimeMillis() + 10_000;
    while (!"closed".equals(stateOf("n3")) && System.currentTimeMillis() < until) {
      traffic(3);
      sleep(50);
    }
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
    sleep(1500);
    assertThat(transitionsOf("n3")).as("held open while the prober n1 lives").hasSize(1);
    await(vertx.undeploy(deployments.get("n1")));
    await(vertx.undeploy(deployments.get("n2")));
    transitions.clear();
    long until = System.currentTimeMillis() + 10_000;
    while (!"closed".equals(stateOf("n3")) && System.currentTimeMillis() < until) {
      traffic(2);
      sleep(50);
    }
    assertThat(transitionsOf("n3")).as("once n1's and n2's reports expired, n3 probed for itself")
        .extracting(t -> t.getString("to")).contains("half_open", "closed");
  }
}
