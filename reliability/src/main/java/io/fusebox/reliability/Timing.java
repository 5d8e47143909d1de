package io.fusebox.reliability;

import io.fusebox.core.Presets;
import io.fusebox.testkit.SvgChart;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Scenarios 2 and 3, which mostly wait on the breakers' own timers, on one node side by side.
 *
 * <p>Detection: per preset, a dependency goes from noisy-but-healthy to all errors, and another to
 * all calls hanging; the time from its first bad answer (or first held request) to the open
 * transition, and the requests that reached it meanwhile. Recovery: default preset, a hard outage of
 * each length, then healthy again; the time from the dependency's recovery to closed, and the
 * requests that reached it while it was down and the breaker open (the probe traffic).
 */
final class Timing implements Scenario {

  private static final List<String> PRESETS = List.of(Presets.DEFAULT, Presets.AGGRESSIVE, Presets.LENIENT);
  private static final int DETECTION_RATE = 100;
  private static final int RECOVERY_RATE = 20;

  private final boolean detection;
  private final boolean recovery;

  Timing(boolean detection, boolean recovery) {
    this.detection = detection;
    this.recovery = recovery;
  }

  @Override
  public void run(Workspace workspace, Mode mode, Report report) throws Exception {
    Map<String, SimulatedDependency> dependencies = new LinkedHashMap<>();
    StringBuilder breakers = new StringBuilder();
    if (detection) {
      for (String preset : PRESETS) {
        for (String fault : List.of("errors", "hang")) {
          String name = "detect-" + fault + "-" + preset;
          SimulatedDependency dependency = start(workspace, SimulatedDependency.Behaviour.noisy());
          dependencies.put(name, dependency);
          breakers.append(breaker(name, preset, dependency));
        }
      }
    }
    if (recovery) {
      for (Duration outage : mode.outages()) {
        String name = "recover-" + label(outage);
        SimulatedDependency dependency = start(workspace, SimulatedDependency.Behaviour.steady(5));
        dependencies.put(name, dependency);
        breakers.append(breaker(name, Presets.DEFAULT, dependency));
      }
    }
    try (NodeProcess node = NodeProcess.start(workspace, "timing", "", breakers.toString());
        TransitionLog transitions = TransitionLog.listen(workspace.vertx(), node.bridgePort())) {
      Map<String, BridgeLoad> loads = new LinkedHashMap<>();
      for (String name : dependencies.keySet()) {
        loads.put(name, BridgeLoad.connect(workspace.vertx(), node.bridgePort(), name,
            id -> new JsonObject().put("method", "GET").put("path", "/t/" + (id % 20)))
            .openLoop(name.startsWith("detect") ? DETECTION_RATE : RECOVERY_RATE));
      }
      // warm up: connections pooled, windows filled with the healthy baseline
      Thread.sleep(5_000);
      List<Runnable> measures = new ArrayList<>();
      if (detection) {
        measures.add(detect(report, dependencies, transitions, loads));
      }
      if (recovery) {
        measures.add(recover(report, mode, dependencies, transitions, loads));
      }
      // each measure waits on its own breakers' timers: side by side, so that neither delays the other's faults
      ExecutorService threads = Executors.newFixedThreadPool(measures.size());
      try {
        CompletableFuture.allOf(measures.stream().map(m -> CompletableFuture.runAsync(m, threads))
            .toArray(CompletableFuture[]::new)).join();
      } finally {
        threads.shutdownNow();
      }
    } finally {
      for (SimulatedDependency d : dependencies.values()) {
        d.close();
      }
    }
  }

  private Runnable detect(Report report, Map<String, SimulatedDependency> dependencies, TransitionLog transitions,
      Map<String, BridgeLoad> loads) {
    Report.Section section = report.section(2, "Detection time", """
        A dependency answering 100 calls/s with 2% noise fails hard (every call a 5xx), or every call hangs. \
        Measured: from its first bad answer (first held request for a hang) to the breaker's open transition, \
        per preset, and the requests that reached the dying dependency until then. A hang is only known as a \
        failure at the call timeout (default 10 s, aggressive 3 s, lenient 30 s), which bounds its detection.""");
    long outageStart = System.nanoTime();
    for (String preset : PRESETS) {
      dependencies.get("detect-errors-" + preset).behave(SimulatedDependency.Behaviour.failing());
      dependencies.get("detect-hang-" + preset).behave(SimulatedDependency.Behaviour.hanging());
    }
    return () -> {
      // all six watched at once, so that each count of requests is taken when its own breaker opens
      Map<String, Long> reachedAtOpen = new LinkedHashMap<>();
      try {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() -> {
          for (String preset : PRESETS) {
            for (String fault : List.of("errors", "hang")) {
              String name = "detect-" + fault + "-" + preset;
              if (!reachedAtOpen.containsKey(name) && transitions.first(name, "open", outageStart).isPresent()) {
                reachedAtOpen.put(name, dependencies.get(name).requestsSinceChange());
              }
            }
          }
          return reachedAtOpen.size() == PRESETS.size() * 2;
        });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // the ones that never opened are reported below
      }
      for (String preset : PRESETS) {
        for (String fault : List.of("errors", "hang")) {
          String name = "detect-" + fault + "-" + preset;
          String what = preset + ", " + (fault.equals("errors") ? "all 5xx" : "all hang") + ": time to open";
          SimulatedDependency dependency = dependencies.get(name);
          Optional<TransitionLog.Event> open = transitions.first(name, "open", outageStart);
          loads.get(name).finish(Duration.ofSeconds(35));
          if (open.isEmpty() || dependency.firstBadNanos() == 0) {
            section.figure(what, "never opened within 60 s", "opens", false);
          } else {
            section.measured(what, TransitionLog.seconds(open.get().nanos() - dependency.firstBadNanos()) + ", "
                + reachedAtOpen.get(name) + " calls reached the dependency (" + open.get().reason() + ")");
          }
        }
      }
    };
  }

  private Runnable recover(Report report, Mode mode, Map<String, SimulatedDependency> dependencies,
      TransitionLog transitions, Map<String, BridgeLoad> loads) {
    Report.Section section = report.section(3, "Recovery (MTTR)", """
        Default preset, 20 calls/s; the dependency fails every call for the outage's length, then is healthy \
        again. Measured: from its recovery to the breaker's close, and the requests that reached it while it was \
        down and the breaker was open (probe traffic). Target: < 60 s for every outage length (the seed's MTTR). \
        The default open timeout (30 s) doubles at each failed probe up to `max_open_timeout`, 45 s, so a \
        dependency that is back is probed within 45 s however long it was down.""");
    long start = System.nanoTime();
    for (Duration outage : mode.outages()) {
      dependencies.get("recover-" + label(outage)).behave(SimulatedDependency.Behaviour.failing());
    }
    return () -> {
      Map<Duration, Long> healedAt = new LinkedHashMap<>();
      Map<Duration, Double> probesPerMinute = new LinkedHashMap<>();
      Map<Duration, Long> requestsAtOpen = new LinkedHashMap<>();
      for (Duration outage : mode.outages()) {
        String name = "recover-" + label(outage);
        awaitState(transitions, name, "open", start, Duration.ofSeconds(20))
            .ifPresent(open -> requestsAtOpen.put(outage, dependencies.get(name).requests()));
      }
      // heal each dependency when its outage is over, shortest first
      for (Duration outage : mode.outages()) {
        String name = "recover-" + label(outage);
        long healAt = start + outage.toNanos();
        Awaitility.await().atMost(outage.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
            .until(() -> System.nanoTime() >= healAt);
        SimulatedDependency dependency = dependencies.get(name);
        Optional<TransitionLog.Event> opened = transitions.first(name, "open", start);
        if (opened.isPresent() && requestsAtOpen.containsKey(outage)) {
          double minutes = (System.nanoTime() - opened.get().nanos()) / 60e9;
          probesPerMinute.put(outage, (dependency.requests() - requestsAtOpen.get(outage)) / minutes);
        }
        dependency.behave(SimulatedDependency.Behaviour.steady(5));
        healedAt.put(outage, System.nanoTime());
      }
      for (Duration outage : mode.outages()) {
        String name = "recover-" + label(outage);
        long healed = healedAt.get(outage);
        Optional<TransitionLog.Event> closed = awaitState(transitions, name, "closed", healed, Duration.ofMinutes(3));
        BridgeLoad.Stats stats = loads.get(name).finish(Duration.ofSeconds(15));
        String probes = probesPerMinute.containsKey(outage)
            ? String.format(Locale.ROOT, "%.1f calls/min reached it while down and open", probesPerMinute.get(outage))
            : "the breaker never opened";
        if (closed.isEmpty()) {
          section.figure(label(outage) + " outage: recovery to closed", "not closed within 3 min; " + probes, "< 60 s", false);
        } else {
          long took = closed.get().nanos() - healed;
          section.figure(label(outage) + " outage: recovery to closed", TransitionLog.seconds(took) + "; " + probes,
              "< 60 s", took < TimeUnit.SECONDS.toNanos(60));
        }
        if (outage.equals(mode.outages().get(mode.outages().size() - 1))) {
          long end = System.nanoTime();
          section.plot("recovery-" + label(outage) + ".svg", SvgChart.timeSeries(
              "Recovery after a " + label(outage) + " outage (default preset, 20 calls/s)", "replies per second",
              List.of(new SvgChart.Series("success", "#2e7d32", stats.series(BridgeLoad.Outcome.SUCCESS)),
                  new SvgChart.Series("failed", "#c62828", stats.series(BridgeLoad.Outcome.FAILED)),
                  new SvgChart.Series("rejected", "#ef6c00", stats.series(BridgeLoad.Outcome.REJECTED))),
              transitions.bands(name, end - (long) (stats.seconds() * 1e9), end)));
        }
      }
    };
  }

  private static Optional<TransitionLog.Event> awaitOpen(TransitionLog transitions, String name, long since, Duration max) {
    return awaitState(transitions, name, "open", since, max);
  }

  private static Optional<TransitionLog.Event> awaitState(TransitionLog transitions, String name, String state, long since,
      Duration max) {
    try {
      Awaitility.await().atMost(max).pollInterval(Duration.ofMillis(20))
          .until(() -> transitions.first(name, state, since).isPresent());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      return Optional.empty();
    }
    return transitions.first(name, state, since);
  }

  private static SimulatedDependency start(Workspace workspace, SimulatedDependency.Behaviour behaviour) throws Exception {
    return SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS).behave(behaviour);
  }

  private static String breaker(String name, String preset, SimulatedDependency dependency) {
    return "%s: { preset: %s, dependency: { type: http, base_url: \"%s\", pool_size: 16 } }\n"
        .formatted(name, preset, dependency.baseUrl());
  }

  static String label(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + "min" : d.toSeconds() + "s";
  }
}
