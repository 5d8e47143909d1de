package io.fusebox.reliability;

import java.time.Duration;
import java.util.List;

/**
 * How long and how much each scenario runs. The short mode runs in CI (under three minutes: 158 -
 * 175 s in CI, most of it the recovery scenario waiting out one failed probe and a 45 s backoff) and
 * checks every scenario at a smaller scale; the full mode takes the sizes (200k calls,
 * outages up to 10 minutes, 1M calls, a 30-minute soak) and writes the published report.
 */
record Mode(
    String name,
    int falsePositiveSeconds,
    List<Duration> outages,
    Duration isolationPhase,
    Duration fallbackPhase,
    long exactlyOnceCalls,
    Duration exactlyOnceMax,
    Duration soak,
    Duration soakSample,
    int fuzzCases,
    int fuzzConfigs) {

  static final Mode SHORT = new Mode("short", 7, List.of(Duration.ofSeconds(10), Duration.ofSeconds(35)),
      Duration.ofSeconds(6), Duration.ofSeconds(6), 60_000, Duration.ofSeconds(25), Duration.ofSeconds(16),
      Duration.ofSeconds(4), 400, 4);

  static final Mode FULL = new Mode("full", 200,
      List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(3), Duration.ofMinutes(10)),
      Duration.ofSeconds(60), Duration.ofSeconds(60), 1_000_000, Duration.ofMinutes(10), Duration.ofMinutes(30),
      Duration.ofMinutes(1), 5_000, 40);

  static Mode named(String name) {
    return switch (name) {
      case "short" -> SHORT;
      case "full" -> FULL;
      default -> throw new IllegalArgumentException("unknown mode '" + name + "' (expected short or full)");
    };
  }

  String command() {
    return "./fusebox reliability" + (this == SHORT ? " --short" : "");
  }

  String scope() {
    return this == SHORT
        ? "This is the **short** mode that CI runs: every scenario at a smaller scale (fewer calls, shorter outages and soak); "
            + "the published figures come from the full mode."
        : "This is the **full** mode, at the sizes the targets name.";
  }
}
