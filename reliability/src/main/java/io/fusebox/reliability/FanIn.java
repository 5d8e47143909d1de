package io.fusebox.reliability;

import io.fusebox.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;

/**
 * How far the snapshot fan-in goes: every breaker instance publishes a snapshot each interval (an
 * idle one every second interval), and every node hears all of them (its dashboard's board, its
 * history, its alerts, its bridge's router). An observer node with one breaker, a dashboard page
 * open on it (a live feed), clusters with {@code PUBLISHERS} nodes of {@code B} idle breakers
 * each, at a 1 s interval; its CPU is measured over {@value #WINDOW_SECONDS} s once the JIT is
 * done, for each {@code B} given. The first and last points fit the line
 * {@code cpu = idle + cost x snapshots/s}, and the points between check it; where it reaches one
 * core, the node can take no more (the dashboard's event loop, one of the node's busy threads,
 * goes first or with it), so the fan-in limit is at most {@code (1 - idle) / cost} snapshots a second.
 *
 * <pre>java -Dfusebox.jar=verticles/platform/target/fusebox.jar -cp reliability/target/reliability.jar \
 *     io.fusebox.reliability.FanIn [PUBLISHERS] [B...]      (default: 4 250 500 1000; smoke: 2 10 50)</pre>
 */
public final class FanIn {

  private static final int WINDOW_SECONDS = 30;
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private FanIn() {
  }

  public static void main(String[] args) throws Exception {
    int publishers = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    List<Integer> points = args.length > 1
        ? IntStream.range(1, args.length).mapToObj(i -> Integer.parseInt(args[i])).toList() : List.of(250, 500, 1000);
    Path jar = Path.of(System.getProperty("fusebox.jar", "verticles/platform/target/fusebox.jar"));
    Vertx vertx = Vertx.vertx();
    List<double[]> measured = new ArrayList<>();
    try {
      for (int breakers : points) {
        measured.add(measure(vertx, jar, publishers, breakers));
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    if (measured.size() >= 2) {
      double[] low = measured.get(0);
      double[] high = measured.get(measured.size() - 1);
      double cost = (high[1] - low[1]) / (high[0] - low[0]);
      double idle = low[1] - cost * low[0];
      System.out.printf(Locale.ROOT, "model: cpu = %.3f + %.2f us x snapshots/s; one core at %,.0f snapshots/s"
              + " (e.g. %,.0f nodes of 100 busy breakers at a 1 s interval, twice as many idle)%n", idle, cost * 1e6,
          (1 - idle) / cost, (1 - idle) / cost / 100);
      for (double[] point : measured.subList(1, measured.size() - 1)) {
        System.out.printf(Locale.ROOT, "check: at %,.0f snapshots/s the model says %.3f cores, measured %.3f%n",
            point[0], idle + cost * point[0], point[1]);
      }
    }
    System.exit(0);
  }

  /** @return {snapshots a second the observer hears, the cores it uses} */
  private static double[] measure(Vertx vertx, Path jar, int publishers, int breakers) throws Exception {
    Workspace workspace = new Workspace(jar, Files.createTempDirectory("fusebox-fanin"), vertx, null);
    int hz = FreePorts.block(publishers + 1);
    String cluster = "cluster: { enabled: true, host: 127.0.0.1, port: %d, members: %s }".formatted(hz,
        IntStream.rangeClosed(0, publishers).mapToObj(i -> "\"127.0.0.1:" + (hz + i) + "\"")
            .collect(Collectors.joining(", ", "[", "]")));
    List<NodeProcess> nodes = new ArrayList<>();
    try {
      NodeProcess observer = NodeProcess.start(workspace, "observer", cluster, services(1), 256);
      nodes.add(observer);
      for (int p = 0; p < publishers; p++) {
        nodes.add(NodeProcess.start(workspace, "publisher-" + p, cluster, services(breakers), 384));
      }
      int instances = 1 + publishers * breakers;
      Awaitility.await("the observer lists " + instances + " instances").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1)).until(() -> listed(observer) == instances);
      AtomicLong fed = new AtomicLong();
      WebSocketClient ws = vertx.createWebSocketClient();
      ws.connect(observer.httpPort(), "127.0.0.1", "/ws")
          .onSuccess(socket -> socket.textMessageHandler(text -> fed.incrementAndGet()))
          .await(10, TimeUnit.SECONDS);
      // the nodes' JIT compilers settle after the deployment
      Awaitility.await().pollDelay(SETTLE).atMost(SETTLE.plusSeconds(1)).until(() -> true);
      Duration cpu0 = observer.cpuTime();
      long fed0 = fed.get();
      long t0 = System.nanoTime();
      Awaitility.await().pollDelay(Duration.ofSeconds(WINDOW_SECONDS)).atMost(Duration.ofSeconds(WINDOW_SECONDS + 1))
          .until(() -> true);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cores = observer.cpuTime().minus(cpu0).toNanos() / 1e9 / seconds;
      // an idle breaker sends its snapshot every QUIET_EVERY intervals, a busy one every interval: the
      // rate is what the observer heard, counted by its live feed, which forwards each snapshot heard
      double rate = (fed.get() - fed0) / seconds;
      System.out.printf(Locale.ROOT, "%d nodes x %d idle breakers -> %,.0f snapshots/s heard by the observer: %.3f cores"
              + " (%.1f us a snapshot, idle included); blocked-thread warnings %d, ERROR lines %d%n",
          publishers, breakers, rate, cores, cores / rate * 1e6, observer.blockedThreadWarnings(),
          observer.errorLines().size());
      ws.close();
      return new double[] {rate, cores};
    } finally {
      for (NodeProcess node : nodes) {
        node.close();
      }
    }
  }

  private static String services(int count) {
    StringBuilder services = new StringBuilder();
    for (int i = 0; i < count; i++) {
      // never called: a breaker's pool connects on first use
      services.append("s").append(i).append(": { dependency: { type: http, base_url: \"http://127.0.0.1:9\" } }\n");
    }
    return services.toString();
  }

  private static int listed(NodeProcess node) throws Exception {
    return new JsonObject(NodeProcess.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + node.httpPort() + "/api/breakers")).timeout(Duration.ofSeconds(30)).build())
        .body()).getJsonArray("breakers").size();
  }
}
