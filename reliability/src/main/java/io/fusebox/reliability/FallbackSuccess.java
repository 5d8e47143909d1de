package io.fusebox.reliability;

import io.fusebox.testkit.SvgChart;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Scenario 5: reads of 100 keys at 200 calls/s warm a cache+static fallback chain; then the
 * dependency fails every call. Answered reads (success or fallback) must stay at 95% or more.
 */
final class FallbackSuccess implements Scenario {

  private static final int RATE = 200;

  @Override
  public void run(Workspace workspace, Mode mode, Report report) throws Exception {
    Report.Section section = report.section(5, "Fallback success", """
        Reads of 100 keys at 200 calls/s through a breaker with the chain `cache` (ttl 30 s, max_stale 10 min) \
        then `static`; once about ten reads of each key have succeeded, the dependency fails every call for \
        the rest of the run. \
        Target: at least 95% of reads answered during the outage (the seed's > 95%), staleness reported.""");
    SimulatedDependency dependency = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.steady(5));
    String breakers = """
        catalog:
          dependency: { type: http, base_url: "%s", pool_size: 16 }
          detection: { call_timeout: 1s }
          fallback:
            - { type: cache, ttl: 30s, max_stale: 10m }
            - { type: static, value: { items: [], degraded: true } }
        """.formatted(dependency.baseUrl());
    try (NodeProcess node = NodeProcess.start(workspace, "fallback", "", breakers);
        TransitionLog transitions = TransitionLog.listen(workspace.vertx(), node.bridgePort())) {
      // a closed loop, at the pace the node answers: a cold node next to others starting up answers its
      // first reads slowly, and an open loop at the full rate timed them out until the breaker opened,
      // which held the warm-up for an open timeout
      BridgeLoad warm = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "catalog", FallbackSuccess::read)
          .closedLoop(8, Duration.ZERO);
      // until about ten successful reads per key: a key never read successfully can only be answered by
      // the static entry
      Awaitility.await("the cache warmed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> warm.progress().count(BridgeLoad.Outcome.SUCCESS) >= 1000);
      BridgeLoad.Stats warmed = warm.finish(Duration.ofSeconds(5));
      dependency.behave(SimulatedDependency.Behaviour.failing());
      long outageStart = System.nanoTime();
      BridgeLoad outage = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "catalog", FallbackSuccess::read)
          .openLoop(RATE);
      Thread.sleep(mode.fallbackPhase().toMillis());
      BridgeLoad.Stats stats = outage.finish(Duration.ofSeconds(10));
      long answered = stats.count(BridgeLoad.Outcome.SUCCESS) + stats.count(BridgeLoad.Outcome.FALLBACK);
      double share = stats.answered() == 0 ? 0 : (double) answered / stats.answered();
      section.figure("reads answered during the outage", String.format(Locale.ROOT, "%.2f%% of %d (%d from the fallback)",
          100 * share, stats.answered(), stats.count(BridgeLoad.Outcome.FALLBACK)), ">= 95%", share >= 0.95);
      long cached = stats.fallbackTypes().getOrDefault("cache", 0L);
      section.measured("reads answered from the cache (the rest: the static entry)", String.format(Locale.ROOT,
          "%.2f%% (%s)", stats.answered() == 0 ? 0 : 100.0 * cached / stats.answered(),
          new java.util.TreeMap<>(stats.fallbackTypes())));
      section.measured("stale cache answers (older than the 30 s ttl, their age in `fusebox-stale-ms`)",
          stats.staleReplies() + (stats.staleReplies() == 0 ? "" : ", the oldest " + stats.maxStaleMillis() + " ms"));
      section.measured("unanswered reads", stats.count(BridgeLoad.Outcome.FAILED) + " failed, "
          + stats.count(BridgeLoad.Outcome.REJECTED) + " rejected, " + stats.lost() + " lost");
      section.note("Warm-up: " + warmed.answered() + " reads, " + warmed.count(BridgeLoad.Outcome.SUCCESS) + " successful.");
      long end = System.nanoTime();
      section.plot("fallback.svg", SvgChart.timeSeries("Reads during the outage (cache + static fallback)", "replies per second",
          List.of(new SvgChart.Series("success", "#2e7d32", stats.series(BridgeLoad.Outcome.SUCCESS)),
              new SvgChart.Series("cache", "#1565c0", stats.fallbackPerSecond().getOrDefault("cache", new double[0])),
              new SvgChart.Series("static", "#6a1b9a", stats.fallbackPerSecond().getOrDefault("static", new double[0])),
              new SvgChart.Series("failed", "#c62828", stats.series(BridgeLoad.Outcome.FAILED)),
              new SvgChart.Series("rejected", "#ef6c00", stats.series(BridgeLoad.Outcome.REJECTED))),
          transitions.bands("catalog", Math.max(outageStart, end - (long) (stats.seconds() * 1e9)), end)));
    } finally {
      dependency.close();
    }
  }

  private static JsonObject read(long id) {
    return new JsonObject().put("method", "GET").put("path", "/items/" + (id % 100));
  }
}
