package io.fusebox.reliability;

import io.fusebox.testkit.FreePorts;
import io.fusebox.testkit.SvgChart;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 4: two breakers on one node; one dependency hangs under 200 callers. The other breaker's
 * latency and throughput, the node's heap and event loops, and a caller verticle inside the node that
 * calls the hung dependency must all hold.
 */
final class Isolation implements Scenario {

  private static final int HEALTHY_RATE = 300;

  @Override
  public void run(Workspace workspace, Mode mode, Report report) throws Exception {
    Report.Section section = report.section(4, "Cascading-failure isolation", """
        Two breakers on one node (default preset): `inventory` in front of a healthy dependency (5 ms) at 300 \
        calls/s, and `pricing` (call timeout 2 s) in front of one that hangs. Baseline: `inventory` alone; then the same load while \
        200 callers (a 20 ms pause after each reply) call `pricing` and a caller verticle inside the node calls it \
        every 20 ms. A caller pauses 20 ms after each reply and, after a rejection, waits the `retry_after_ms` \
        it names (at most 1 s), as a client honouring a 503's Retry-After does; callers that ignore it are \
        measured too, without a target: on this 2-core machine, which the node shares with the load driver and \
        the simulated dependencies, thousands of rejections a second take CPU from everything else. Targets: \
        `inventory`'s p50, p99 and throughput within 10% of the baseline, heap after GC and the calls pending on \
        the hung dependency bounded (by twice the pool: as the dependency counts them, a connection reset at its \
        call's deadline is held until its close arrives, which can be after its slot is lent again), zero \
        blocked-thread warnings, the caller verticle's timers never late by 100 ms or more.""");
    SimulatedDependency healthy = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.steady(5));
    SimulatedDependency hung = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.steady(5));
    SimulatedDependency rehearsalDependency = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.hanging());
    int probePort = FreePorts.next();
    String verticles = """
        verticles:
          - { class: %s, config: { target: pricing, port: %d } }
        """.formatted(CallerProbeVerticle.class.getName(), probePort);
    String breakers = """
        inventory:
          dependency: { type: http, base_url: "%s", pool_size: 32 }
        pricing:
          dependency: { type: http, base_url: "%s", pool_size: 32 }
          detection: { call_timeout: 2s }
        rehearsal:
          dependency: { type: http, base_url: "%s", pool_size: 32 }
          detection: { call_timeout: 300ms }
        """.formatted(healthy.baseUrl(), hung.baseUrl(), rehearsalDependency.baseUrl());
    try (NodeProcess node = NodeProcess.start(workspace, "isolation", verticles, breakers, "--classpath",
        workspace.classes().toAbsolutePath().toString())) {
      // warm-up: the healthy path, and a rehearsal of the fault on a breaker of its own (timeouts, a trip,
      // rejections), so that the measure sees a node whose failure paths have run before, as any node in
      // production has, and not the JIT compiling them for the first time
      BridgeLoad rehearsal = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "rehearsal",
          id -> new JsonObject().put("method", "GET").put("path", "/r")).closedLoop(200, Duration.ofMillis(20));
      phase(workspace, node, Duration.ofSeconds(3));
      rehearsal.finish(Duration.ofSeconds(5));
      long heapBefore = node.heapAfterGc();
      probe(probePort);
      BridgeLoad.Stats baseline = phase(workspace, node, mode.isolationPhase());
      JsonObject probeBefore = probe(probePort);
      hung.behave(SimulatedDependency.Behaviour.hanging());
      BridgeLoad hungCallers = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "pricing",
          id -> new JsonObject().put("method", "GET").put("path", "/price/" + (id % 10))).closedLoop(200, Duration.ofMillis(20), Duration.ofSeconds(1));
      BridgeLoad.Stats faulted = phase(workspace, node, mode.isolationPhase());
      BridgeLoad.Stats hungStats = hungCallers.finish(Duration.ofSeconds(15));
      JsonObject probeAfter = probe(probePort);
      // the same 200 callers, ignoring retry_after_ms: the cost of rejections at thousands a second
      BridgeLoad stubborn = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "pricing",
          id -> new JsonObject().put("method", "GET").put("path", "/price/" + (id % 10))).closedLoop(200, Duration.ofMillis(20));
      BridgeLoad.Stats stressed = phase(workspace, node, mode.isolationPhase());
      BridgeLoad.Stats stubbornStats = stubborn.finish(Duration.ofSeconds(15));
      long heapAfter = node.heapAfterGc();
      within(section, "p50", baseline.successMillis(0.5), faulted.successMillis(0.5), true);
      // a short phase holds too few calls for a stable p99 on a shared 2-core machine: judged in the full mode
      within(section, "p99", baseline.successMillis(0.99), faulted.successMillis(0.99), mode == Mode.FULL);
      double baseRate = baseline.answered() / baseline.seconds();
      double faultRate = faulted.answered() / faulted.seconds();
      section.figure("`inventory` throughput", String.format(Locale.ROOT, "%.0f/s against %.0f/s", faultRate, baseRate),
          "within 10%", Math.abs(faultRate - baseRate) <= 0.1 * baseRate);
      section.figure("`inventory` calls not answered with success", (faulted.answered() - faulted.count(BridgeLoad.Outcome.SUCCESS))
          + " of " + faulted.answered(), "0", faulted.answered() == faulted.count(BridgeLoad.Outcome.SUCCESS));
      section.figure("heap after GC", mb(heapBefore) + " before, " + mb(heapAfter) + " after", "bounded (grows < 32 MB)",
          heapAfter - heapBefore < 32L * 1024 * 1024);
      // counted where the dependency sees them: a connection reset at its call's deadline is held
      // there until its close arrives, and its slot in the pool may be lent again before that
      section.figure("requests held by the hung dependency at once", Integer.toString(hung.maxHeld()),
          "<= 64: `pricing`'s pool of 32, and as many closes in flight", hung.maxHeld() <= 64);
      section.figure("blocked-thread warnings", Long.toString(node.blockedThreadWarnings()), "0", node.blockedThreadWarnings() == 0);
      long lag = probeAfter.getLong("max_lag_ms");
      long probeSent = probeAfter.getLong("sent") - probeBefore.getLong("sent");
      section.figure("caller verticle: its timers' worst lateness", lag + " ms (baseline " + probeBefore.getLong("max_lag_ms")
          + " ms; " + probeSent + " calls to `pricing` made meanwhile)", "< 100 ms", lag < 100);
      section.measured("callers that ignore `retry_after_ms` (" + Math.round(stubbornStats.answered() / stubbornStats.seconds())
          + " rejections/s): `inventory` p50 / p99 / throughput", String.format(Locale.ROOT, "%.2f ms / %.2f ms / %.0f/s",
          stressed.successMillis(0.5), stressed.successMillis(0.99), stressed.answered() / stressed.seconds()));
      section.note("A node whose failure paths have never run pays a one-off stall at the first burst of 200 "
          + "timeouts (the JIT compiling those paths; up to 60 ms seen): the rehearsal on a breaker of its own runs them "
          + "before the baseline. Before the adapter's request gate (calls beyond the pool's size wait outside Vert.x's "
          + "pool and expire there), that burst also cost a connection per expired waiter: 107-139 ms stalls, p99 4x.");
      section.plot("isolation.svg", SvgChart.timeSeries("`inventory`: slowest reply per second, baseline and with `pricing` hung",
          "ms", List.of(new SvgChart.Series("baseline", "#2e7d32", baseline.slowestMillisPerSecond()),
              new SvgChart.Series("pricing hung", "#c62828", faulted.slowestMillisPerSecond()),
              new SvgChart.Series("hung, callers ignore retry_after", "#ef6c00", stressed.slowestMillisPerSecond())), List.of()));
      section.measured("the 200 callers of `pricing`", hungStats.answered() + " replies: " + hungStats.count(BridgeLoad.Outcome.REJECTED)
          + " rejected, " + hungStats.count(BridgeLoad.Outcome.FAILED) + " failed (timeouts), " + hungStats.lost() + " lost");
    } finally {
      healthy.close();
      hung.close();
      rehearsalDependency.close();
    }
  }

  private static BridgeLoad.Stats phase(Workspace workspace, NodeProcess node, Duration length) throws Exception {
    BridgeLoad load = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "inventory",
        id -> new JsonObject().put("method", "GET").put("path", "/stock/" + (id % 10))).openLoop(HEALTHY_RATE);
    Thread.sleep(length.toMillis());
    return load.finish(Duration.ofSeconds(10));
  }

  private static void within(Report.Section section, String quantile, double base, double faulted, boolean judged) {
    String measured = String.format(Locale.ROOT, "%.2f ms against %.2f ms", faulted, base);
    if (judged) {
      section.figure("`inventory` " + quantile, measured, "within 10%", faulted <= base * 1.1);
    } else {
      section.measured("`inventory` " + quantile + " (within 10% is judged in the full mode)", measured);
    }
  }

  private static JsonObject probe(int port) throws Exception {
    HttpResponse<String> response = NodeProcess.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
        .timeout(Duration.ofSeconds(5)).build());
    return new JsonObject(response.body());
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0);
  }
}
