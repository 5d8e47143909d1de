package io.fusebox.reliability;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Clock;
import io.fusebox.core.Presets;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 1: a healthy dependency with 2% random errors and jittery latency (5-50 ms, 0.1% at 1 s)
 * must not trip any preset, at 20 and at 1,000 calls/s.
 *
 * <p>Two measures. The node: every preset at 1,000 calls/s and at 20 calls/s for the mode's duration,
 * through the bridge. The core in simulated time: 200,000 calls per preset and rate through the same
 * {@code CircuitBreaker} the node runs, with the same noise, which at 20 calls/s stands for 2.8 hours
 * of traffic that no run can wait for; it also runs the classic consecutive-failure rule, to show the
 * defect the noise-aware rule removes.
 */
final class FalsePositives implements Scenario {

  private static final List<String> PRESETS = List.of(Presets.DEFAULT, Presets.AGGRESSIVE, Presets.LENIENT);
  private static final int SIMULATED_CALLS = 200_000;

  @Override
  public void run(Workspace workspace, Mode mode, Report report) throws Exception {
    Report.Section section = report.section(1, "False positives", """
        A healthy dependency with 2% random errors, latency uniform in 5-50 ms and 0.1% of calls at 1 s. \
        Target: zero trips for every preset at 20 and 1,000 calls/s (the seed's false-positive rate < 0.1%); \
        healthy calls rejected are reported. The node runs every preset at both rates at once through the bridge; \
        the core runs 200,000 calls per preset and rate in simulated time (at 20 calls/s that is 2.8 hours of \
        traffic), with the noise-aware consecutive-failure rule (the default) and with the classic rule.""");
    simulated(section);
    onTheNode(workspace, mode, section);
  }

  private void simulated(Report.Section section) {
    for (String preset : PRESETS) {
      for (int rate : new int[] {20, 1000}) {
        Outcome aware = simulate(Presets.get(preset), rate, 42);
        section.figure("core, " + preset + ", " + rate + " calls/s, 200k calls: trips",
            aware.trips + " trips, " + percent(aware.rejected, SIMULATED_CALLS) + " rejected", "0 trips", aware.trips == 0);
        Outcome classic = simulate(Presets.get(preset).toBuilder().consecutiveFailuresNoiseAware(false).build(), rate, 42);
        section.measured("core, " + preset + ", " + rate + " calls/s, classic run rule",
            classic.trips + " trips, " + percent(classic.rejected, SIMULATED_CALLS) + " rejected");
      }
    }
  }

  record Outcome(int trips, long rejected) {
  }

  /** Feeds the core breaker noisy outcomes at a fixed rate in simulated time. */
  static Outcome simulate(BreakerConfig config, int perSecond, long seed) {
    SimulatedClock clock = new SimulatedClock();
    CircuitBreaker breaker = new CircuitBreaker("noise", config, clock);
    int[] trips = {0};
    breaker.addListener(t -> {
      if (t.to() == BreakerState.OPEN) {
        trips[0]++;
      }
    });
    SplittableRandom random = new SplittableRandom(seed);
    long gap = TimeUnit.SECONDS.toNanos(1) / perSecond;
    long rejected = 0;
    for (int i = 0; i < SIMULATED_CALLS; i++) {
      clock.nanos += gap;
      long permit = breaker.tryAcquire();
      boolean fail = random.nextDouble() < 0.02;
      long latency = random.nextDouble() < 0.001 ? TimeUnit.SECONDS.toNanos(1)
          : TimeUnit.MILLISECONDS.toNanos(5 + random.nextInt(46));
      if (permit == CircuitBreaker.REJECTED) {
        rejected++;
      } else if (fail) {
        breaker.onFailure(permit, latency);
      } else {
        breaker.onSuccess(permit, latency);
      }
    }
    return new Outcome(trips[0], rejected);
  }

  private void onTheNode(Workspace workspace, Mode mode, Report.Section section) throws Exception {
    SimulatedDependency dependency = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.noisy());
    StringBuilder breakers = new StringBuilder();
    for (String preset : PRESETS) {
      for (String speed : List.of("fast", "slow")) {
        breakers.append("fp-%s-%s: { preset: %s, dependency: { type: http, base_url: \"%s\", pool_size: 64 } }\n"
            .formatted(preset, speed, preset, dependency.baseUrl()));
      }
    }
    try (NodeProcess node = NodeProcess.start(workspace, "false-positives", "", breakers.toString())) {
      warmUp(workspace, node);
      measure(workspace, mode, section, node);
    } finally {
      dependency.close();
    }
  }

  private void measure(Workspace workspace, Mode mode, Report.Section section, NodeProcess node) throws Exception {
    try (TransitionLog transitions = TransitionLog.listen(workspace.vertx(), node.bridgePort())) {
      List<BridgeLoad> loads = new ArrayList<>();
      for (String preset : PRESETS) {
        loads.add(BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "fp-" + preset + "-fast", FalsePositives::get)
            .openLoop(1000));
        loads.add(BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "fp-" + preset + "-slow", FalsePositives::get)
            .openLoop(20));
      }
      // the load runs for the measured stretch itself
      Thread.sleep(TimeUnit.SECONDS.toMillis(mode.falsePositiveSeconds()));
      int i = 0;
      for (String preset : PRESETS) {
        for (int rate : new int[] {1000, 20}) {
          BridgeLoad.Stats stats = loads.get(i++).finish(Duration.ofSeconds(15));
          String breaker = "fp-" + preset + (rate == 1000 ? "-fast" : "-slow");
          long trips = transitions.count(breaker, "open");
          section.figure("node, " + preset + ", " + rate + " calls/s, " + stats.answered() + " calls: trips",
              trips + " trips, " + percent(stats.count(BridgeLoad.Outcome.REJECTED), stats.answered()) + " rejected",
              "0 trips", trips == 0 && stats.answered() > 0);
          if (!stats.errors().isEmpty()) {
            section.note(breaker + ": errors by code " + new java.util.TreeMap<>(stats.errors()));
          }
        }
      }
    }
  }

  /**
   * A cold JVM (the node's, and the simulator's) answers 3,000 calls/s slowly for its first seconds,
   * and the breakers' bulkheads shed the excess: that is start-up, not noise, so the measure starts
   * after 6 s at full rate, on breakers reset to a clean state.
   */
  private static void warmUp(Workspace workspace, NodeProcess node) throws Exception {
    List<BridgeLoad> loads = new ArrayList<>();
    for (String preset : PRESETS) {
      loads.add(BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "fp-" + preset + "-fast", FalsePositives::get)
          .openLoop(1000));
    }
    Thread.sleep(6_000);
    for (BridgeLoad load : loads) {
      load.finish(Duration.ofSeconds(15));
    }
    for (String preset : PRESETS) {
      for (String speed : List.of("fast", "slow")) {
        node.admin("fp-" + preset + "-" + speed, "reset");
      }
    }
  }

  private static JsonObject get(long id) {
    return new JsonObject().put("method", "GET").put("path", "/noise/" + (id % 50));
  }

  static String percent(long part, long whole) {
    return whole == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f%%", 100.0 * part / whole);
  }

  /** Time that moves only when the simulation says so. */
  private static final class SimulatedClock implements Clock {
    long nanos = 1_000_000_000L;

    @Override
    public long nanos() {
      return nanos;
    }

    @Override
    public long epochMillis() {
      return nanos / 1_000_000;
    }
  }
}
