package io.fusebox.reliability;

import static io.fusebox.testkit.BreakerHarness.sleepUntil;

import io.fusebox.testkit.CapacityServer;
import io.fusebox.testkit.FreePorts;
import io.fusebox.testkit.Recovery;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;

/**
 * The retry storm across a real cluster: three nodes, each a JVM of its own clustered over
 * Hazelcast, each with an instance of one breaker that retries every failed read (3 attempts, 50 ms
 * backoff, failure detection off so that no open breaker hides the retries) in front of one
 * {@link CapacityServer} of 16 slots x 25 ms in this process. Each node is sent a third of half
 * the capacity through its TCP bridge; after 3 healthy seconds the dependency answers every call
 * 503 for the outage, then comes back. Two legs on fresh nodes: each instance with a budget of its
 * own, and the three sharing one ({@code cluster_budget: true}). Figures: attempts that reached the
 * dependency during the outage per first attempt (the bound: 1.1), both counted by the breakers
 * themselves (their failed attempts and their retries, from each node's /metrics just before the
 * outage and just before the recovery), and the time from the recovery until the successes of each
 * 250 ms are back to 95% of what was sent. Also the same ratio seen from outside: requests arriving
 * at the dependency per call the bridge clients sent in the same seconds, which a call still on its
 * way through a loaded machine at either end of the outage could skew (it did not: within 0.01 of
 * the breakers' count in each of three runs).
 *
 * <pre>java -Dfusebox.jar=verticles/platform/target/fusebox.jar -cp reliability/target/reliability.jar \
 *     io.fusebox.reliability.ClusterRetryStorm [OUTAGE_SECONDS]      (default 30; smoke: 5)</pre>
 */
public final class ClusterRetryStorm {

  private static final int NODES = 3;
  private static final int SLOTS = CapacityServer.BENCHMARK_SLOTS;
  private static final long SERVICE_MILLIS = CapacityServer.BENCHMARK_SERVICE_MILLIS;
  private static final String BREAKER = "stormy";
  private static final JsonObject GET = new JsonObject().put("method", "GET").put("path", "/");
  private static final Duration HEALTHY_BEFORE = Duration.ofSeconds(3);
  private static final Duration RECOVERY = Duration.ofSeconds(8);

  private ClusterRetryStorm() {
  }

  /**
   * @param firstAttempts the breakers' first attempts in the outage
   * @param dependencyRequests the breakers' attempts in the outage, every one answered by the dependency
   * @param amplification dependency requests per first attempt
   * @param seenFromOutside requests arriving at the dependency per call sent by the bridge clients, in the same seconds
   * @param recoveryMillis from the recovery until successes are back to 95% of what is sent; -1 if never
   * @param heard by node, the other instances its budget had heard when the outage began
   */
  record Leg(boolean clusterBudget, long firstAttempts, long dependencyRequests, double amplification,
      double seenFromOutside, long recoveryMillis, List<Integer> heard) {
  }

  public static void main(String[] args) throws Exception {
    Duration outage = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 30);
    Path jar = Path.of(System.getProperty("fusebox.jar", "verticles/platform/target/fusebox.jar"));
    Vertx vertx = Vertx.vertx();
    List<Leg> legs = new ArrayList<>();
    try {
      for (boolean shared : new boolean[] {false, true}) {
        legs.add(leg(vertx, jar, shared, outage));
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.out.printf(Locale.ROOT, "retry storm across %d nodes: %d slots x %d ms, offered half its capacity, "
        + "3 attempts a call, the dependency down for %d s%n%n", NODES, SLOTS, SERVICE_MILLIS, outage.toSeconds());
    System.out.println("| budget | first attempts in the outage | requests reaching the dependency | per first attempt "
        + "| seen from outside | goodput back to 95% after | instances each node heard |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Leg l : legs) {
      System.out.printf(Locale.ROOT, "| %s | %d | %d | %.2fx | %.2fx | %s | %s |%n",
          l.clusterBudget() ? "cluster_budget: one for the three" : "one per node", l.firstAttempts(),
          l.dependencyRequests(), l.amplification(), l.seenFromOutside(),
          l.recoveryMillis() < 0 ? "never" : l.recoveryMillis() + " ms", l.heard());
    }
    System.exit(0);
  }

  private static Leg leg(Vertx vertx, Path jar, boolean clusterBudget, Duration outage) throws Exception {
    CapacityServer dependency = CapacityServer.start(vertx, SLOTS, SERVICE_MILLIS).await(10, TimeUnit.SECONDS);
    Workspace workspace = new Workspace(jar, Files.createTempDirectory("fusebox-retry-storm"), vertx, null);
    int hz = FreePorts.block(NODES);
    String cluster = "cluster: { enabled: true, host: 127.0.0.1, port: %d, members: %s }".formatted(hz,
        IntStream.range(0, NODES).mapToObj(i -> "\"127.0.0.1:" + (hz + i) + "\"")
            .collect(Collectors.joining(", ", "[", "]")));
    String breaker = """
        %s:
          dependency: { type: http, base_url: "%s", pool_size: 512 }
          detection: { call_timeout: 1s, consecutive_failures: { enabled: false },
                       failure_rate: { enabled: false }, slow_calls: { enabled: false } }
          retry: { max_attempts: 3, backoff: 50ms, cluster_budget: %b }
        """.formatted(BREAKER, dependency.baseUrl(), clusterBudget);
    List<NodeProcess> nodes = new ArrayList<>();
    List<BridgeLoad> loads = new ArrayList<>();
    try {
      for (int i = 0; i < NODES; i++) {
        nodes.add(NodeProcess.start(workspace, "storm-" + i, cluster, breaker));
      }
      // both legs start their load on a formed cluster, so that their budgets hold the same healthy
      // seconds of first attempts when the outage begins; shared, the budgets hear each other's spend
      // four times a second
      int heardEach = clusterBudget ? NODES - 1 : 0;
      Awaitility.await("every node lists the three instances" + (clusterBudget ? " and hears the other two" : ""))
          .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> heard(nodes).stream().allMatch(h -> h == heardEach));
      for (NodeProcess node : nodes) {
        loads.add(BridgeLoad.connect(vertx, node.bridgePort(), BREAKER, n -> GET.copy()));
      }
      int perNode = (int) Math.round(SLOTS * 1000.0 / SERVICE_MILLIS / 2 / NODES);
      long start = System.nanoTime();
      for (BridgeLoad load : loads) {
        load.openLoop(perNode);
      }
      List<Integer> heard = new ArrayList<>();
      long down = start + HEALTHY_BEFORE.toNanos();
      long up = down + outage.toNanos();
      sleepUntil(down);
      heard.addAll(heard(nodes));
      long[] atDown = attemptsAndRetries(nodes);
      long sentAtDown = sent(loads);
      long arrivedAtDown = dependency.arrived();
      dependency.failing(1);
      sleepUntil(up);
      long[] atUp = attemptsAndRetries(nodes);
      dependency.failing(0);
      long arrivedAtUp = dependency.arrived();
      double seenFromOutside = (double) (arrivedAtUp - arrivedAtDown) / (sent(loads) - sentAtDown);
      long recovery = recoveryMillis(loads, up, perNode * NODES);
      for (BridgeLoad load : loads) {
        load.finish(Duration.ofSeconds(5));
      }
      long attempts = atUp[0] - atDown[0];
      long firsts = attempts - (atUp[1] - atDown[1]);
      return new Leg(clusterBudget, firsts, attempts, (double) attempts / firsts, seenFromOutside, recovery, heard);
    } finally {
      for (NodeProcess node : nodes) {
        node.close();
      }
      dependency.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** By node, what its instance's budget heard from the breaker's other instances (-1: not listed yet). */
  private static List<Integer> heard(List<NodeProcess> nodes) throws Exception {
    JsonArray instances = new JsonObject(NodeProcess.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + nodes.get(0).httpPort() + "/api/breakers/" + BREAKER)).timeout(Duration.ofSeconds(10))
        .build()).body()).getJsonArray("instances");
    List<Integer> heard = new ArrayList<>();
    for (NodeProcess node : nodes) {
      heard.add(instances.stream().map(JsonObject.class::cast).filter(i -> node.name().equals(i.getString("node")))
          .map(i -> i.getJsonObject("retry", new JsonObject()).getInteger("instances_heard", 0)).findFirst().orElse(-1));
    }
    return heard;
  }

  /**
   * The failed attempts and the retries the breakers have counted so far, summed over the nodes: in
   * an outage every attempt fails, so that between two counts the failed attempts are the requests
   * that reached the dependency, and those less the retries the first attempts. Both read from one
   * scrape of each node, so that they are of the same moment.
   */
  private static long[] attemptsAndRetries(List<NodeProcess> nodes) throws Exception {
    long[] sums = new long[2];
    for (NodeProcess node : nodes) {
      NodeProcess.Metrics metrics = node.metrics();
      sums[0] += metrics.countOrZero("circuit_breaker_requests_total", "result=\"failure\"");
      sums[1] += metrics.countOrZero("circuit_breaker_retries_total", "result=\"retried\"");
    }
    return sums;
  }

  private static long sent(List<BridgeLoad> loads) {
    return loads.stream().mapToLong(l -> l.progress().sent()).sum();
  }

  /** Polls the successes every 250 ms for {@link #RECOVERY}: when goodput came back. */
  private static long recoveryMillis(List<BridgeLoad> loads, long up, int perSecond) throws InterruptedException {
    Recovery recovery = new Recovery(up, RECOVERY);
    long before = successes(loads);
    for (int i = 0; i < recovery.buckets(); i++) {
      sleepUntil(up + (i + 1) * Recovery.BUCKET_NANOS);
      long now = successes(loads);
      recovery.add(i, now - before);
      before = now;
    }
    return recovery.millis(perSecond);
  }

  private static long successes(List<BridgeLoad> loads) {
    return loads.stream().mapToLong(l -> l.progress().count(BridgeLoad.Outcome.SUCCESS)).sum();
  }
}
