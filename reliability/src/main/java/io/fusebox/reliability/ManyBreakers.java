package io.fusebox.reliability;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A node with thousands of breakers, as users run it (the fat jar): how long it takes to deploy
 * them, how long {@code /api/breakers} and {@code /metrics} take to answer once every breaker has
 * published, and whether calls through one of them stay fast meanwhile. Every breaker is an HTTP
 * breaker (default preset) in front of one healthy simulated dependency.
 *
 * <pre>java -Dfusebox.jar=verticles/platform/target/fusebox.jar -cp reliability/target/reliability.jar \
 *     io.fusebox.reliability.ManyBreakers [BREAKERS] [HEAP_MB]</pre>
 */
public final class ManyBreakers {

  private static final Pattern DEPLOYED = Pattern.compile("is up with (\\d+) breaker\\(s\\), deployed in (\\d+) ms");
  private static final int SAMPLES = 7;
  private static final Duration IDLE = Duration.ofSeconds(10);

  private ManyBreakers() {
  }

  public static void main(String[] args) throws Exception {
    int breakers = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int heapMb = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    Path jar = Path.of(System.getProperty("fusebox.jar", "verticles/platform/target/fusebox.jar"));
    Vertx vertx = Vertx.vertx();
    Workspace workspace = new Workspace(jar, Files.createTempDirectory("fusebox-many"), vertx, null);
    SimulatedDependency dependency = SimulatedDependency.start(vertx).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.steady(1));
    StringBuilder services = new StringBuilder();
    for (int i = 0; i < breakers; i++) {
      services.append("b").append(i).append(": { dependency: { type: http, base_url: \"")
          .append(dependency.baseUrl()).append("\", pool_size: 2 } }\n");
    }
    try (NodeProcess node = NodeProcess.start(workspace, "many", "", services.toString(), heapMb)) {
      Matcher deployed = DEPLOYED.matcher(node.output());
      if (!deployed.find()) {
        throw new IllegalStateException("the node did not say how long it took to deploy:\n" + node.output());
      }
      System.out.printf(Locale.ROOT, "%s breakers deployed in %s ms (heap %d MB)%n", deployed.group(1),
          deployed.group(2), heapMb);
      Awaitility.await("every breaker in /api/breakers").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1)).until(() -> breakersListed(node) == breakers);
      // the node's steady idle, once the JIT compilers are done with the deployment
      Awaitility.await().pollDelay(IDLE).atMost(IDLE.plusSeconds(1)).until(() -> true);
      Duration cpu0 = node.cpuTime();
      long t0 = System.nanoTime();
      Awaitility.await().pollDelay(IDLE).atMost(IDLE.plusSeconds(1)).until(() -> true);
      System.out.printf(Locale.ROOT, "idle: the node used %.2f of this machine's cores over %d s%n",
          (double) node.cpuTime().minus(cpu0).toNanos() / (System.nanoTime() - t0), IDLE.toSeconds());
      long[] api = time(node, "/api/breakers", body -> new JsonObject(body).getJsonArray("breakers").size() == breakers);
      long[] metrics = time(node, "/metrics",
          body -> body.lines().filter(l -> l.startsWith("circuit_breaker_state{")).count() == breakers);
      System.out.printf(Locale.ROOT, "/api/breakers: %s ms over %d requests%n", range(api), SAMPLES);
      System.out.printf(Locale.ROOT, "/metrics: %s ms over %d requests%n", range(metrics), SAMPLES);
      BridgeLoad load = BridgeLoad.connect(vertx, node.bridgePort(), "b0",
          id -> new JsonObject().put("method", "GET").put("path", "/ok"));
      load.closedLoop(4, Duration.ofMillis(10));
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofSeconds(10)).until(() -> true);
      load.stop();
      BridgeLoad.Stats stats = load.finish(Duration.ofSeconds(5));
      System.out.printf(Locale.ROOT, "calls through b0 while the node runs %d breakers: %d answered, p50 %.2f ms, "
              + "p99 %.2f ms, %d lost; blocked-thread warnings: %d; ERROR lines: %d%n", breakers, stats.answered(),
          stats.successMillis(0.5), stats.successMillis(0.99), stats.lost(), node.blockedThreadWarnings(),
          node.errorLines().size());
    } finally {
      dependency.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private static int breakersListed(NodeProcess node) throws Exception {
    return new JsonObject(get(node, "/api/breakers").body()).getJsonArray("breakers").size();
  }

  /** Milliseconds of each of {@link #SAMPLES} requests, each checked by {@code complete}. */
  private static long[] time(NodeProcess node, String path, java.util.function.Predicate<String> complete)
      throws Exception {
    long[] millis = new long[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> response = get(node, path);
      millis[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      if (response.statusCode() != 200 || !complete.test(response.body())) {
        throw new IllegalStateException(path + " answered " + response.statusCode() + " without every breaker");
      }
    }
    return millis;
  }

  private static HttpResponse<String> get(NodeProcess node, String path) throws Exception {
    return NodeProcess.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(30)).build());
  }

  private static String range(long[] millis) {
    long[] sorted = millis.clone();
    Arrays.sort(sorted);
    return sorted[0] + " - " + sorted[sorted.length - 1] + " (median " + sorted[sorted.length / 2] + "; in order "
        + Arrays.toString(millis) + ")";
  }
}
