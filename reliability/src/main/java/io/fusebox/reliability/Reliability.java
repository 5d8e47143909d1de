package io.fusebox.reliability;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The reliability suite: {@code ./fusebox reliability [--short] [--out DIR] [--only N,M]}.
 *
 * <p>The timing scenarios (detection, recovery) mostly wait on the breakers' own timers at a light
 * load, so they run side by side with the scenarios that count replies (fallback, exactly one reply,
 * crash, bad input); those whose figures are latencies, rejections under load or heap (false
 * positives, isolation, soak) run alone.
 */
public final class Reliability {

  private Reliability() {
  }

  public static void main(String[] args) throws Exception {
    Mode mode = Mode.FULL;
    Path out = null;
    Path jar = Path.of(System.getProperty("fusebox.jar", "verticles/platform/target/fusebox.jar"));
    List<Integer> only = List.of();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--short" -> mode = Mode.SHORT;
        case "--full" -> mode = Mode.FULL;
        case "--out" -> out = Path.of(args[++i]);
        case "--jar" -> jar = Path.of(args[++i]);
        case "--only" -> only = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
        default -> {
          System.err.println("usage: fusebox reliability [--short | --full] [--out DIR] [--jar FUSEBOX_JAR] [--only 1,2,...]");
          System.exit(2);
        }
      }
    }
    if (out == null) {
      // the published report is the full mode's; a short run goes where it overwrites nothing
      out = mode == Mode.FULL ? Path.of("reliability") : Path.of("reliability", "target", "short-report");
    }
    Report report = run(mode, out, jar, Path.of(System.getProperty("reliability.classes", classesOfThisJar())), only);
    List<String> misses = report.misses();
    System.out.println("reliability: report in " + out.resolve("REPORT.md") + "; " + misses.size() + " target(s) missed");
    misses.forEach(m -> System.out.println("  missed: " + m));
    System.exit(0);
  }

  static Report run(Mode mode, Path out, Path jar, Path classes, List<Integer> only) throws Exception {
    if (!Files.exists(jar)) {
      throw new IllegalStateException("no fat jar at " + jar.toAbsolutePath() + ": build it with mvn -B -ntp package -DskipTests");
    }
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Report report = new Report();
    Path root = Files.createTempDirectory("fusebox-reliability");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    Workspace workspace = new Workspace(jar, root, vertx, classes);
    ExecutorService background = Executors.newSingleThreadExecutor();
    try {
      // alone: the false-positive load takes the machine's whole CPU, and its figures must not share it
      if (wanted(only, 1)) {
        runOne(new FalsePositives(), workspace, mode, report);
      }
      List<Future<?>> sideBySide = new ArrayList<>();
      if (wanted(only, 2) || wanted(only, 3)) {
        sideBySide.add(background.submit(() -> runOne(new Timing(wanted(only, 2), wanted(only, 3)), workspace, mode, report)));
      }
      List<Scenario> alongside = new ArrayList<>();
      addIf(alongside, only, 5, new FallbackSuccess());
      addIf(alongside, only, 6, new ExactlyOnce());
      addIf(alongside, only, 7, new CrashRestart());
      addIf(alongside, only, 9, new BadInput());
      for (Scenario scenario : alongside) {
        runOne(scenario, workspace, mode, report);
      }
      for (Future<?> f : sideBySide) {
        f.get();
      }
      // alone again: latency and heap figures
      if (wanted(only, 4)) {
        runOne(new Isolation(), workspace, mode, report);
      }
      if (wanted(only, 8)) {
        runOne(new Soak(), workspace, mode, report);
      }
    } finally {
      background.shutdownNow();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    report.write(out, mode, started, Duration.ofNanos(System.nanoTime() - t0));
    return report;
  }

  /** A scenario that breaks down is a missed target in the report, and the others still run. */
  private static void runOne(Scenario scenario, Workspace workspace, Mode mode, Report report) {
    String name = scenario.getClass().getSimpleName();
    System.out.println("reliability: " + name + " starts");
    try {
      scenario.run(workspace, mode, report);
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      report.section(99, "Scenarios that broke down", "A scenario that threw before it could measure.")
          .figure(name, e.toString().lines().findFirst().orElse(""), "runs to its end", false);
    }
    System.out.println("reliability: " + name + " done");
  }

  private static boolean wanted(List<Integer> only, int scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  private static void addIf(List<Scenario> scenarios, List<Integer> only, int number, Scenario scenario) {
    if (wanted(only, number)) {
      scenarios.add(scenario);
    }
  }

  private static String classesOfThisJar() {
    try {
      return Path.of(Reliability.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (Exception e) {
      return "reliability/target/classes";
    }
  }
}
