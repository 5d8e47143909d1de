package io.fusebox.core;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Named starting points for a breaker's configuration; a service's own keys override them.
 *
 * <ul>
 *   <li>{@code default}: the values of DESIGN.md, for a typical remote service.</li>
 *   <li>{@code aggressive}: trips on the first signs of trouble and keeps callers away longer,
 *       for a dependency whose failures are expensive to wait on.</li>
 *   <li>{@code lenient}: tolerates noise and retries sooner, for a flaky but cheap dependency.</li>
 * </ul>
 */
public final class Presets {

  public static final String DEFAULT = "default";
  public static final String AGGRESSIVE = "aggressive";
  public static final String LENIENT = "lenient";

  private static final Map<String, BreakerConfig> PRESETS = new TreeMap<>(Map.of(
      DEFAULT, BreakerConfig.defaults(),
      AGGRESSIVE, BreakerConfig.builder()
          .consecutiveFailures(3)
          .failureRate(0.25)
          // 5 would judge a fresh window on its first calls: 2 random failures among 8 is 25%
          .minimumCalls(20)
          .timeWindow(Duration.ofSeconds(30))
          .slowCalls(Duration.ofSeconds(2), 0.3)
          .callTimeout(Duration.ofSeconds(3))
          .openTimeout(Duration.ofSeconds(60))
          .maxOpenTimeout(Duration.ofMinutes(15))
          .permittedProbes(1)
          .successThreshold(5)
          .build(),
      LENIENT, BreakerConfig.builder()
          .consecutiveFailures(10)
          .failureRate(0.75)
          .minimumCalls(20)
          .timeWindow(Duration.ofSeconds(120))
          .slowCalls(Duration.ofSeconds(10), 0.8)
          .callTimeout(Duration.ofSeconds(30))
          .openTimeout(Duration.ofSeconds(10))
          .maxOpenTimeout(Duration.ofMinutes(2))
          .permittedProbes(5)
          .successThreshold(2)
          .build()));

  private Presets() {
  }

  public static Set<String> names() {
    return PRESETS.keySet();
  }

  /** @throws IllegalArgumentException naming the unknown preset and the known ones */
  public static BreakerConfig get(String name) {
    BreakerConfig config = PRESETS.get(name);
    if (config == null) {
      throw new IllegalArgumentException("unknown preset '" + name + "' (expected one of " + names() + ")");
    }
    return config;
  }
}
