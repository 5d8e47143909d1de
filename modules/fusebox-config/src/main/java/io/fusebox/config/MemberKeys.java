package io.fusebox.config;

import java.time.Duration;
import java.util.List;

/**
 * The keys of a dependency of several members, the same for every kind that has them: the members
 * as {@code host:port} (HTTP {@code hosts}, PostgreSQL {@code read_replicas}...) and the
 * {@code ejection} section of their outlier detectors.
 */
public final class MemberKeys {

  private MemberKeys() {
  }

  /** A list of {@code host:port}. */
  public static Spec hostsAndPorts() {
    return Spec.listOf(new HostAndPort());
  }

  /** {@code ejection: { consecutive_failures, base_ejection, max_ejection, panic_threshold }}. */
  public static Spec.Section ejection() {
    return Spec.section()
        .field("consecutive_failures", Spec.integer(1, 1000))
        .field("base_ejection", Spec.durationAtLeast(Duration.ofMillis(100)))
        .field("max_ejection", Spec.durationAtLeast(Duration.ofMillis(100)))
        .field("panic_threshold", new Fraction());
  }

  private static final class HostAndPort extends Spec {
    @Override
    public void check(String path, Object value, List<String> problems) {
      if (!(value instanceof String s) || !s.matches("[^/\\s:]+:\\d{1,5}")) {
        problem(problems, path, "not a host:port", value);
      }
    }

    @Override
    public String expected() {
      return "a host and port such as 10.0.0.7:9000";
    }
  }

  private static final class Fraction extends Spec {
    @Override
    public void check(String path, Object value, List<String> problems) {
      if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
        problem(problems, path, "not a share of the members", value);
      }
    }

    @Override
    public String expected() {
      return "a number in [0, 1] such as 0.5";
    }
  }
}
