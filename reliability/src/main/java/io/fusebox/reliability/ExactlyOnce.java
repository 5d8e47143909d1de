package io.fusebox.reliability;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 6: 200 calls in flight while the dependency flaps every 2 s through ok, 5xx, hang and
 * slow; every request's replies are counted by its own reply address.
 */
final class ExactlyOnce implements Scenario {

  private static final List<SimulatedDependency.Behaviour> PHASES = List.of(
      SimulatedDependency.Behaviour.steady(2), SimulatedDependency.Behaviour.failing(),
      SimulatedDependency.Behaviour.hanging(), SimulatedDependency.Behaviour.slow(150));

  @Override
  public void run(Workspace workspace, Mode mode, Report report) throws Exception {
    Report.Section section = report.section(6, "Exactly one reply", """
        200 requests in flight through the bridge (each caller sends its next 1 ms after a reply) while the dependency flaps every 2 s through ok / 5xx / \
        hang / slow (150 ms); call timeout 300 ms, open timeout 1 s. Every request has its own reply address \
        and the driver counts the replies of each. Target: zero lost and zero duplicated replies.""");
    SimulatedDependency dependency = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS);
    String breakers = """
        flappy:
          dependency: { type: http, base_url: "%s", pool_size: 32 }
          detection: { call_timeout: 300ms, consecutive_failures: { threshold: 20 } }
          transitions: { open_timeout: 1s, max_open_timeout: 2s }
          recovery: { permitted_probes: 5, success_threshold: 3 }
        """.formatted(dependency.baseUrl());
    long flapper = -1;
    try (NodeProcess node = NodeProcess.start(workspace, "exactly-once", "", breakers);
        TransitionLog transitions = TransitionLog.listen(workspace.vertx(), node.bridgePort())) {
      int[] phase = {0};
      flapper = workspace.vertx().setPeriodic(2000, id -> dependency.behave(PHASES.get(++phase[0] % PHASES.size())));
      BridgeLoad load = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "flappy",
          id -> new JsonObject().put("method", "GET").put("path", "/flap/" + id)).closedLoop(200, Duration.ofMillis(1));
      // at least two whole flap cycles, so that every phase meets calls in flight
      long start = System.nanoTime();
      long deadline = start + mode.exactlyOnceMax().toNanos();
      long cycles = start + TimeUnit.SECONDS.toNanos(2L * 2 * PHASES.size());
      while ((load.progress().sent() < mode.exactlyOnceCalls() || System.nanoTime() < cycles) && System.nanoTime() < deadline) {
        Thread.sleep(250);
      }
      BridgeLoad.Stats stats = load.finish(Duration.ofSeconds(15));
      section.figure("requests without a reply", stats.lost() + " of " + stats.sent(), "0", stats.lost() == 0);
      section.figure("requests answered twice", Long.toString(stats.duplicates()), "0", stats.duplicates() == 0);
      section.measured("replies", String.format(Locale.ROOT,
          "%d in %.0f s (%.0f/s): %d success, %d failed, %d rejected; %d transitions", stats.answered(), stats.seconds(),
          stats.answered() / stats.seconds(), stats.count(BridgeLoad.Outcome.SUCCESS), stats.count(BridgeLoad.Outcome.FAILED),
          stats.count(BridgeLoad.Outcome.REJECTED), transitions.of("flappy").size()));
      section.figure("errors in the node's log", Integer.toString(node.errorLines().size()), "0", node.errorLines().isEmpty());
      if (stats.sent() < mode.exactlyOnceCalls()) {
        section.note("The run stopped at its time limit, " + mode.exactlyOnceMax().toSeconds() + " s, before "
            + mode.exactlyOnceCalls() + " calls.");
      }
    } finally {
      if (flapper >= 0) {
        workspace.vertx().cancelTimer(flapper);
      }
      dependency.close();
    }
  }
}
