package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Five nodes in five JVMs of {@value #HEAP} heap each, 50 breakers on every node: within one
 * snapshot interval of the last node's start (and the time the API takes to answer), every node's
 * API and live feed (what the dashboard draws from) show all 250 instances; then the snapshot fan-in (nodes x breakers / interval, 250 a
 * second) is held for ten seconds and each node's CPU and heap are printed. The model of how far
 * the fan-in goes is measured by the reliability suite's {@code FanIn}.
 */
class FiveNodesIT {

  private static final int NODES = 5;
  private static final int BREAKERS = 50;
  private static final String HEAP = "192m";
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  @Test
  void everyNodeShowsAllTwoHundredFiftyInstancesWithinOneSnapshotInterval() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "five");
    int hz = FreePorts.block(NODES);
    String members = LaunchedNode.members(hz, NODES);
    StringBuilder services = new StringBuilder("circuit_breakers:\n  services:\n");
    for (int b = 0; b < BREAKERS; b++) {
      // never called: the dependency's pool connects on first use
      services.append("    svc-%02d: { dependency: { type: http, base_url: \"http://127.0.0.1:9\" } }\n".formatted(b));
    }
    int[] http = new int[NODES];
    List<LaunchedNode> nodes = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    WebClient client = WebClient.create(vertx);
    try {
      for (int i = 0; i < NODES; i++) {
        http[i] = FreePorts.next();
        Files.writeString(dir.resolve("n" + i + ".yaml"), """
            fusebox:
              node: { name: node-%d }
              http: { port: %d }
              snapshot_interval: %dms
              cluster: { enabled: true, host: 127.0.0.1, port: %d, members: %s }
            %s""".formatted(i, http[i], INTERVAL.toMillis(), hz, members, services));
        nodes.add(LaunchedNode.start(dir, Map.of("JAVA_TOOL_OPTIONS", "-Xmx" + HEAP), "run", "--conf", "n" + i + ".yaml"));
      }
      for (int i = 0; i < NODES; i++) {
        nodes.get(i).awaitOutput("node node-" + i + " is up", Duration.ofSeconds(90));
      }
      // every node asked at once; five cold JVMs sharing two cores answer their first requests in
      // 0.2 to 7 s, so a listing still short waits at most one more snapshot interval from there
      long allUp = System.nanoTime();
      long completeAtFirst = listAll(client, http).stream().filter(l -> l.size() == NODES * BREAKERS).count();
      long firstAnswered = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - allUp);
      Awaitility.await("every node lists all instances").atMost(INTERVAL.plus(Duration.ofMillis(500)))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> listAll(client, http).stream().allMatch(l -> l.size() == NODES * BREAKERS));
      long listed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - allUp);
      for (int i = 0; i < NODES; i++) {
        assertThat(feed(vertx, http[i])).as("node-" + i + "'s live feed").hasSize(NODES * BREAKERS);
      }

      long[] cpuBefore = new long[NODES];
      for (int i = 0; i < NODES; i++) {
        cpuBefore[i] = nodes.get(i).cpuMillis();
      }
      long windowStart = System.nanoTime();
      BreakerHarness.holdsFor(Duration.ofSeconds(10), () -> nodes.stream().allMatch(LaunchedNode::alive));
      double seconds = (System.nanoTime() - windowStart) / 1e9;
      StringBuilder figures = new StringBuilder();
      for (int i = 0; i < NODES; i++) {
        assertThat(instances(client, http[i])).as("node-" + i + " still lists every instance").hasSize(NODES * BREAKERS);
        double cpu = (nodes.get(i).cpuMillis() - cpuBefore[i]) / 10.0 / seconds;
        figures.append("  node-%d: %.1f%% of a core, heap used %d MB of %s%n".formatted(i, cpu,
            heapUsed(client, http[i]) >> 20, HEAP));
      }
      System.out.printf("five nodes x %d breakers: the first answers (in %d ms) listed all %d instances on %d of %d"
          + " nodes, all did %d ms after the last node was up; fan-in %d snapshots/s per node%n%s",
          BREAKERS, firstAnswered, NODES * BREAKERS, completeAtFirst, NODES, listed,
          NODES * BREAKERS * 1000 / INTERVAL.toMillis(), figures);
    } finally {
      for (LaunchedNode node : nodes) {
        node.close();
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static JsonArray instances(WebClient client, int port) throws Exception {
    return instancesAsync(client, port).await(10, TimeUnit.SECONDS);
  }

  /** Every node's listing, asked of all at once. */
  private static List<JsonArray> listAll(WebClient client, int[] ports) throws Exception {
    List<Future<JsonArray>> listings = new ArrayList<>();
    for (int port : ports) {
      listings.add(instancesAsync(client, port));
    }
    Future.all(listings).await(30, TimeUnit.SECONDS);
    return listings.stream().map(Future::result).toList();
  }

  private static Future<JsonArray> instancesAsync(WebClient client, int port) {
    return client.getAbs("http://127.0.0.1:" + port + "/api/breakers").send()
        .map(response -> response.bodyAsJsonObject().getJsonArray("breakers"));
  }

  /** The breaker@node instances in the live feed's first message, which the page draws its tiles from. */
  private static Set<String> feed(Vertx vertx, int port) throws Exception {
    WebSocketClient ws = vertx.createWebSocketClient();
    try {
      // the handler is set on the event loop as the connection completes, before the hello can arrive
      JsonObject hello = ws.connect(port, "127.0.0.1", "/ws").compose(socket -> {
        Promise<JsonObject> first = Promise.promise();
        socket.textMessageHandler(text -> first.tryComplete(new JsonObject(text)));
        return first.future();
      }).await(10, TimeUnit.SECONDS);
      Set<String> seen = new HashSet<>();
      for (Object o : hello.getJsonArray("breakers")) {
        JsonObject s = (JsonObject) o;
        seen.add(s.getString("breaker") + "@" + s.getString("node"));
      }
      return seen;
    } finally {
      ws.close();
    }
  }

  private static long heapUsed(WebClient client, int port) throws Exception {
    String text = client.getAbs("http://127.0.0.1:" + port + "/metrics").send().await(10, TimeUnit.SECONDS).bodyAsString();
    return text.lines().filter(line -> line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\""))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
