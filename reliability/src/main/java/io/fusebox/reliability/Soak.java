package io.fusebox.reliability;

import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.SvgChart;
import io.fusebox.testkit.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Scenario 8: mixed traffic to HTTP, PostgreSQL and Redis breakers with a recurring outage of each,
 * sampled after a full GC: heap, threads, event-bus handlers, connections and timers must not grow.
 */
final class Soak implements Scenario {

  record Sample(double minutes, long heap, double threads, double handlers, int pgConnections, int redisConnections,
      long timers) {
  }

  @Override
  public void run(Workspace workspace, Mode mode, Report report) throws Exception {
    Report.Section section = report.section(8, "Soak", """
        Mixed traffic for the mode's duration: an HTTP breaker at 150 calls/s (a noisy dependency that fails \
        every call one sample period in four), a PostgreSQL breaker (`SELECT 1`) and a Redis breaker (`PING`) at \
        50 calls/s each, both through a TCP fault proxy that holds all traffic one period in four. At each sample \
        the node's pending Vert.x timers are counted in a class histogram of its live objects (`jcmd \
        GC.class_histogram`, which runs a full GC first), then its heap and event-bus handlers are read from its \
        `/metrics`, its live threads from a thread dump (but the JIT's compiler threads, which the JVM adds and \
        removes with its compile load), its connections to PostgreSQL and Redis from the proxies. Targets: the heap after GC flat (full mode: least-squares slope under \
        0.2 MB/min, 12 MB an hour, after the first sample; short mode: under 2 MB of growth), threads, handlers and \
        connections no higher at the end than at the first sample, and no more timers pending once the load is over \
        than after a first healthy period of it (under load each call in flight holds its deadline timer).""");
    TestServices.Postgres pg = TestServices.postgres();
    TestServices.Redis redis = TestServices.redis();
    SimulatedDependency http = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.noisy());
    FaultProxy pgProxy = FaultProxy.start(workspace.vertx(), pg.host(), pg.port()).await(10, TimeUnit.SECONDS);
    FaultProxy redisProxy = FaultProxy.start(workspace.vertx(), redis.host(), redis.port()).await(10, TimeUnit.SECONDS);
    String breakers = """
        api:
          dependency: { type: http, base_url: "%s", pool_size: 16 }
          detection: { call_timeout: 1s }
          transitions: { open_timeout: 2s, max_open_timeout: 5s }
        orders:
          dependency: { type: pg, host: 127.0.0.1, port: %d, database: %s, user: %s, password: "%s", pool_size: 4 }
          detection: { call_timeout: 1s }
          transitions: { open_timeout: 2s, max_open_timeout: 5s }
        sessions:
          dependency: { type: redis, host: 127.0.0.1, port: %d, pool_size: 4 }
          detection: { call_timeout: 1s }
          transitions: { open_timeout: 2s, max_open_timeout: 5s }
        """.formatted(http.baseUrl(), pgProxy.port(), pg.database(), pg.user(), pg.password(), redisProxy.port());
    try (NodeProcess node = NodeProcess.start(workspace, "soak", "", breakers)) {
      // the same load for one healthy period first: each pool and Redis link starts its cleaner timer on
      // first use, and those belong to the baseline
      List<BridgeLoad> warmUp = mixedLoad(workspace, node);
      Thread.sleep(mode.soakSample().toMillis());
      for (BridgeLoad load : warmUp) {
        load.finish(Duration.ofSeconds(15));
      }
      long timersBefore = node.pendingTimers();
      List<BridgeLoad> loads = mixedLoad(workspace, node);
      long start = System.nanoTime();
      List<Sample> samples = new ArrayList<>();
      int periods = (int) (mode.soak().toMillis() / mode.soakSample().toMillis());
      for (int period = 0; period < periods; period++) {
        boolean outage = period % 4 == 2;
        http.behave(outage ? SimulatedDependency.Behaviour.failing() : SimulatedDependency.Behaviour.noisy());
        if (outage) {
          pgProxy.hang();
          redisProxy.hang();
        } else {
          pgProxy.healthy();
          redisProxy.healthy();
        }
        Thread.sleep(mode.soakSample().toMillis());
        if (!outage) {
          // one full GC a sample: the class histogram that counts the timers collects first, so the
          // heap read after it is the heap after GC
          long timers = node.pendingTimers();
          long heap = node.heapUsed();
          samples.add(new Sample((System.nanoTime() - start) / 60e9, heap,
              node.threadsButCompilers(), node.metric("vertx_eventbus_handlers", ""),
              pgProxy.serverConnections(), redisProxy.serverConnections(), timers));
        }
      }
      http.behave(SimulatedDependency.Behaviour.noisy());
      pgProxy.healthy();
      redisProxy.healthy();
      long calls = 0;
      long lost = 0;
      for (BridgeLoad load : loads) {
        BridgeLoad.Stats stats = load.finish(Duration.ofSeconds(15));
        calls += stats.answered();
        lost += stats.lost() + stats.duplicates();
      }
      List<Sample> steady = samples.subList(Math.min(1, samples.size()), samples.size());
      double slope = slopeMbPerMinute(steady);
      Sample first = steady.get(0);
      Sample last = steady.get(steady.size() - 1);
      String heapFigure = String.format(Locale.ROOT, "%.3f MB/min (%.1f MB at the first sample, %.1f MB at the last)",
          slope, first.heap() / 1048576.0, last.heap() / 1048576.0);
      if (mode == Mode.FULL) {
        section.figure("heap after GC, slope", heapFigure, "< 0.2 MB/min", slope < 0.2);
      } else {
        // half a minute of samples gives no meaningful slope: the short mode holds the growth instead
        double growth = (last.heap() - first.heap()) / 1048576.0;
        section.figure("heap after GC, growth over the run", String.format(Locale.ROOT, "%.1f MB; slope %s", growth, heapFigure),
            "< 2 MB", growth < 2);
      }
      section.figure("live threads, but the JIT's compiler threads", (long) first.threads() + " then " + (long) last.threads(), "no growth",
          last.threads() <= first.threads());
      section.figure("event-bus handlers", (long) first.handlers() + " then " + (long) last.handlers(), "no growth",
          last.handlers() <= first.handlers());
      section.figure("connections to PostgreSQL / Redis", first.pgConnections() + "/" + first.redisConnections() + " then "
          + last.pgConnections() + "/" + last.redisConnections(), "no growth (pools of 4)",
          last.pgConnections() <= Math.max(4, first.pgConnections()) && last.redisConnections() <= Math.max(4, first.redisConnections()));
      section.figure("replies lost or duplicated", lost + " of " + calls, "0", lost == 0);
      // an open breaker's timer fires within max_open_timeout (5 s) once the load is over
      long[] timersAfter = {Long.MAX_VALUE};
      try {
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
            .until(() -> (timersAfter[0] = node.pendingTimers()) <= timersBefore);
      } catch (ConditionTimeoutException e) {
        // the last count is the figure
      }
      section.figure("pending Vert.x timers, idle", timersBefore + " before the load, " + timersAfter[0] + " after it (under load "
          + samples.stream().mapToLong(Sample::timers).min().orElse(0) + " - "
          + samples.stream().mapToLong(Sample::timers).max().orElse(0) + ")", "no growth", timersAfter[0] <= timersBefore);
      double[] heap = samples.stream().mapToDouble(s -> s.heap() / 1048576.0).toArray();
      section.plot("soak-heap.svg", SvgChart.timeSeries("Heap after GC at each sample (MB)", "MB",
          List.of(new SvgChart.Series("heap after GC", "#6a1b9a", heap)), List.of(), mode.soakSample().toSeconds()));
    } finally {
      http.close();
      pgProxy.close();
      redisProxy.close();
    }
  }

  private static List<BridgeLoad> mixedLoad(Workspace workspace, NodeProcess node) throws Exception {
    return List.of(
        BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "api",
            id -> new JsonObject().put("method", "GET").put("path", "/soak/" + (id % 100))).openLoop(150),
        BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "orders",
            id -> new JsonObject().put("sql", "SELECT 1 AS one")).openLoop(50),
        BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "sessions",
            id -> new JsonObject().put("command", "PING").put("args", new JsonArray())).openLoop(50));
  }

  private static double slopeMbPerMinute(List<Sample> samples) {
    int n = samples.size();
    if (n < 2) {
      return 0;
    }
    double mx = samples.stream().mapToDouble(Sample::minutes).average().orElse(0);
    double my = samples.stream().mapToDouble(s -> s.heap() / 1048576.0).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    for (Sample s : samples) {
      sxy += (s.minutes() - mx) * (s.heap() / 1048576.0 - my);
      sxx += (s.minutes() - mx) * (s.minutes() - mx);
    }
    return sxx == 0 ? 0 : sxy / sxx;
  }
}
