package io.fusebox.config;

import static io.fusebox.config.Spec.anySection;
import static io.fusebox.config.Spec.anyValue;
import static io.fusebox.config.Spec.bool;
import static io.fusebox.config.Spec.dictionaryOf;
import static io.fusebox.config.Spec.duration;
import static io.fusebox.config.Spec.durationAtLeast;
import static io.fusebox.config.Spec.durationBetween;
import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.listOf;
import static io.fusebox.config.Spec.number;
import static io.fusebox.config.Spec.oneOf;
import static io.fusebox.config.Spec.section;
import static io.fusebox.config.Spec.string;

import io.fusebox.core.Presets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Every key a Fusebox configuration file may hold, as in DESIGN.md (Configuration). */
final class FuseboxSchema {

  private static final long PORT_MAX = 65_535;

  private FuseboxSchema() {
  }

  /** The keys a breaker takes, in {@code circuit_breakers.default} and in each service. */
  static Spec.Section breaker() {
    return section()
        .field("preset", oneOf(Presets.names()))
        .field("detection", section()
            .field("consecutive_failures", section().field("enabled", bool()).field("threshold", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
                .field("noise_aware", bool()))
            .field("failure_rate", section()
                .field("enabled", bool())
                .field("threshold", number())
                .field("minimum_calls", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
                .field("window", section()
                    .field("type", oneOf(new LinkedHashSet<>(List.of("count_based", "time_based"))))
                    .field("size", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
                    .field("duration", duration())))
            .field("slow_calls", section().field("enabled", bool()).field("threshold", duration())
                .field("rate_threshold", number()))
            .field("call_timeout", duration()))
        .field("bulkhead", section()
            .field("max_concurrent_calls", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
            .field("max_wait_queue", integer(Integer.MIN_VALUE, Integer.MAX_VALUE)))
        .field("transitions", section()
            .field("open_timeout", duration())
            .field("enable_exponential_backoff", bool())
            .field("backoff_multiplier", number())
            .field("max_open_timeout", duration())
            .field("jitter", number()))
        .field("recovery", section()
            .field("permitted_probes", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
            .field("success_threshold", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
            .field("strict_mode", bool())
            .field("probe", section()
                .required("type", oneOf(new LinkedHashSet<>(List.of("synthetic"))))
                .field("interval", duration())))
        .field("overload", section()
            .field("concurrency", section()
                .field("type", oneOf(new LinkedHashSet<>(List.of("static", "adaptive"))))
                .field("initial_limit", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
                .field("min_limit", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
                .field("max_limit", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
                .field("probe_interval", duration())
                .field("shares", section().field("critical", number()).field("normal", number())
                    .field("sheddable", number())))
            .field("throttling", section()
                .field("enabled", bool())
                .field("threshold", number())
                .field("window", duration())))
        .field("retry", section()
            .field("max_attempts", integer(Integer.MIN_VALUE, Integer.MAX_VALUE))
            .field("backoff", duration())
            .field("jitter", number())
            .field("on", listOf(oneOf(new LinkedHashSet<>(List.of("timeout", "failure")))))
            .field("idempotent_only", bool())
            .field("attempt_timeout", duration())
            .field("cluster_budget", bool())
            .field("budget", section().field("ratio", number()).field("min_per_second", number())));
  }

  static Spec.Section file(Map<String, DependencyKind> kinds) {
    Spec.Section fusebox = section()
        .field("node", section().field("name", string()))
        .field("http", section()
            .field("host", string())
            .field("port", integer(0, PORT_MAX))
            .field("admin_token", string().secret())
            .field("allowed_origins", listOf(string()))
            .field("tokens", listOf(section()
                .required("name", string())
                .required("token", string().secret())
                .required("role", oneOf(new LinkedHashSet<>(List.of("viewer", "operator")))))))
        .field("cluster", section()
            .field("enabled", bool())
            .field("host", string())
            .field("port", integer(0, PORT_MAX))
            .field("members", listOf(string()))
            .field("heartbeat_interval", durationAtLeast(Duration.ofSeconds(1)))
            .field("suspect_after", durationAtLeast(Duration.ofSeconds(2))))
        .field("store", section()
            .field("type", oneOf(new LinkedHashSet<>(List.of("memory", "file", "redis"))))
            .field("path", string())
            .field("url", string().secret())
            .field("prefix", string()))
        .field("snapshot_interval", durationAtLeast(Duration.ofMillis(100)))
        .field("tracing", section()
            .field("enabled", bool())
            .field("endpoint", string())
            .field("service_name", string())
            .field("sample_ratio", number()))
        .field("log", section()
            .field("transitions", oneOf(new LinkedHashSet<>(List.of("text", "json")))))
        .field("bridge", section()
            .field("enabled", bool())
            .field("host", string())
            .field("port", integer(0, PORT_MAX))
            .field("max_frame_bytes", integer(64, 64 * 1024 * 1024))
            .field("idle_timeout", durationAtLeast(Duration.ofSeconds(1)))
            .field("max_connections", integer(1, 100_000)))
        .field("history", section()
            .field("retention", durationBetween(Duration.ofMinutes(1), Duration.ofHours(24))))
        .field("reload", section()
            .field("watch", bool())
            .field("interval", durationAtLeast(Duration.ofMillis(100))))
        .field("alerts", section()
            .field("flapping", section()
                .field("transitions", integer(2, 1000))
                .field("window", durationAtLeast(Duration.ofSeconds(1))))
            .field("sinks", listOf(section()
                .required("type", oneOf(new LinkedHashSet<>(List.of("log", "webhook"))))
                .field("url", string().secret())
                .field("format", oneOf(new LinkedHashSet<>(List.of("json", "slack"))))
                .field("headers", dictionaryOf(string().secret()))
                .field("max_attempts", integer(1, 100))
                .field("initial_backoff", durationAtLeast(Duration.ofMillis(10)))
                .field("timeout", durationAtLeast(Duration.ofMillis(100)))
                .field("queue", integer(1, 100_000)))))
        .field("verticles", listOf(section()
            .required("class", string())
            .field("instances", integer(1, 64))
            .field("config", anySection())));
    Spec.Section service = breaker().required("dependency", new DependencySpec(kinds))
        .field("fallback", listOf(new FallbackSpec()))
        .field("cluster_verdict", section().field("quorum", integer(1, 1000)).field("quorum_ratio", number())
            .field("forget_after", durationAtLeast(Duration.ofSeconds(1))))
        .field("keyed", section()
            .field("by", string())
            .field("max_keys", integer(1, 10_000_000))
            .field("idle_expiry", durationAtLeast(Duration.ofSeconds(1))));
    return section()
        .field("fusebox", fusebox)
        .field("circuit_breakers", section()
            .field("default", breaker())
            .field("services", dictionaryOf(service))
            .field("in_process", dictionaryOf(breaker())));
  }

  /**
   * A section whose {@code type} decides its other keys: a dependency, a fallback. An unknown type
   * is reported once, with the known ones, instead of every key it brings.
   */
  private abstract static class TypedSection extends Spec {
    private final String what;

    TypedSection(String what) {
      this.what = what;
    }

    /** The keys besides {@code type} of a known type, or null. */
    abstract Spec.Section keysOf(String type);

    abstract Set<String> types();

    /** Rules that tie keys together, beyond each key's own. */
    void checkTogether(String path, Map<?, ?> section, List<String> problems) {
    }

    @Override
    public void check(String path, Object value, List<String> problems) {
      if (!(value instanceof Map<?, ?> map)) {
        problem(problems, path, "wrong type", value);
        return;
      }
      Object type = map.get("type");
      Spec.Section keys = type instanceof String s ? keysOf(s) : null;
      if (keys == null) {
        problems.add(path + ".type: " + (type == null ? "missing" : "unknown " + what) + " (got "
            + show(type) + ", expected one of " + String.join(", ", types()) + ")");
        return;
      }
      section().field("type", string()).with(keys).check(path, value, problems);
      checkTogether(path, map, problems);
    }
  }

  /** One entry of a service's {@code fallback} chain. */
  private static final class FallbackSpec extends TypedSection {
    private static final Spec TRIGGERS = listOf(oneOf(new LinkedHashSet<>(FallbackNames.TRIGGERS)));
    private static final Map<String, Spec.Section> TYPES = new TreeMap<>(Map.of(
        FallbackNames.STATIC, section().required("value", anyValue()),
        FallbackNames.CACHE, section().field("ttl", duration()).field("max_stale", duration())
            .field("max_entries", integer(1, 10_000_000)),
        FallbackNames.ADDRESS, section().required("address", string()).field("timeout", duration()),
        FallbackNames.DEGRADED, section().field("value", anyValue()).field("read_only", bool()).field("address", string())
            .field("timeout", duration())));

    FallbackSpec() {
      super("fallback type");
    }

    @Override
    Spec.Section keysOf(String type) {
      Spec.Section keys = TYPES.get(type);
      return keys == null ? null : section().field("on", TRIGGERS).with(keys);
    }

    @Override
    Set<String> types() {
      return TYPES.keySet();
    }

    @Override
    void checkTogether(String path, Map<?, ?> map, List<String> problems) {
      if (FallbackNames.DEGRADED.equals(map.get("type"))) {
        boolean readOnly = Boolean.TRUE.equals(map.get("read_only"));
        if (readOnly && map.get("address") == null) {
          problems.add(path + ".address: missing (got nothing, expected the address that serves reads in read-only mode)");
        } else if (!readOnly && map.get("value") == null) {
          problems.add(path + ".value: missing (got nothing, expected the degraded reply, or read_only: true with an address)");
        }
      }
    }

    @Override
    public String expected() {
      return "a fallback with a type of " + String.join(", ", TYPES.keySet());
    }
  }

  /** {@code dependency}: a {@code type}, then the keys of that kind. */
  private static final class DependencySpec extends TypedSection {
    private final Map<String, DependencyKind> kinds;

    DependencySpec(Map<String, DependencyKind> kinds) {
      super("dependency type");
      this.kinds = new TreeMap<>(kinds);
    }

    @Override
    Spec.Section keysOf(String type) {
      DependencyKind kind = kinds.get(type);
      return kind == null ? null : kind.schema();
    }

    @Override
    Set<String> types() {
      return kinds.keySet();
    }

    /** Once the section's own keys are valid, what would fail at start. */
    @Override
    void checkTogether(String path, Map<?, ?> section, List<String> problems) {
      DependencyKind kind = kinds.get(section.get("type"));
      if (kind != null && problems.stream().noneMatch(p -> p.startsWith(path + "."))) {
        kind.checkTogether(path, section, problems);
      }
    }

    @Override
    public String expected() {
      return "a dependency section with a type of " + String.join(", ", kinds.keySet());
    }
  }

  static List<String> check(Object root, Map<String, DependencyKind> kinds) {
    List<String> problems = new ArrayList<>();
    file(kinds).check("", root, problems);
    problems.replaceAll(p -> p.startsWith(".") ? p.substring(1) : p);
    return problems;
  }
}
