package io.fusebox.config;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.core.Durations;
import io.fusebox.core.Priority;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Applies the breaker keys of one section ({@code circuit_breakers.default} or a service) over a
 * {@link BreakerConfigBuilder}; keys the section leaves out keep the builder's value. The section
 * has passed {@link FuseboxSchema#breaker()}, so types are right.
 */
final class BreakerSection {

  private final Map<String, Object> section;

  BreakerSection(Map<String, Object> section) {
    this.section = section;
  }

  void applyTo(BreakerConfigBuilder b) {
    ifSet(Boolean.class, b::consecutiveFailuresEnabled, "detection", "consecutive_failures", "enabled");
    ifSet(Number.class, n -> b.consecutiveFailures(n.intValue())
        .consecutiveFailuresEnabled(bool("detection", "consecutive_failures", "enabled")),
        "detection", "consecutive_failures", "threshold");
    ifSet(Boolean.class, b::consecutiveFailuresNoiseAware, "detection", "consecutive_failures", "noise_aware");
    ifSet(Boolean.class, b::failureRateEnabled, "detection", "failure_rate", "enabled");
    ifSet(Number.class, n -> b.failureRate(n.doubleValue())
        .failureRateEnabled(bool("detection", "failure_rate", "enabled")), "detection", "failure_rate", "threshold");
    ifSet(Number.class, n -> b.minimumCalls(n.intValue()), "detection", "failure_rate", "minimum_calls");
    ifSet(String.class, t -> b.windowType(BreakerConfig.WindowType.fromWireName(t)),
        "detection", "failure_rate", "window", "type");
    ifSet(Number.class, n -> b.windowSize(n.intValue()), "detection", "failure_rate", "window", "size");
    ifSet(String.class, d -> b.windowDuration(Durations.parse(d)), "detection", "failure_rate", "window", "duration");
    ifSet(Boolean.class, b::slowCallsEnabled, "detection", "slow_calls", "enabled");
    ifSet(String.class, d -> b.slowCallThreshold(Durations.parse(d)), "detection", "slow_calls", "threshold");
    ifSet(Number.class, n -> b.slowCallRate(n.doubleValue()), "detection", "slow_calls", "rate_threshold");
    ifSet(String.class, d -> b.callTimeout(Durations.parse(d)), "detection", "call_timeout");
    ifSet(Number.class, n -> b.maxConcurrentCalls(n.intValue()), "bulkhead", "max_concurrent_calls");
    ifSet(Number.class, n -> b.maxWaitQueue(n.intValue()), "bulkhead", "max_wait_queue");
    ifSet(String.class, d -> b.openTimeout(Durations.parse(d)), "transitions", "open_timeout");
    ifSet(Boolean.class, b::exponentialBackoff, "transitions", "enable_exponential_backoff");
    ifSet(Number.class, n -> b.backoffMultiplier(n.doubleValue()), "transitions", "backoff_multiplier");
    ifSet(String.class, d -> b.maxOpenTimeout(Durations.parse(d)), "transitions", "max_open_timeout");
    ifSet(Number.class, n -> b.jitter(n.doubleValue()), "transitions", "jitter");
    ifSet(Number.class, n -> b.permittedProbes(n.intValue()), "recovery", "permitted_probes");
    ifSet(Number.class, n -> b.successThreshold(n.intValue()), "recovery", "success_threshold");
    ifSet(Boolean.class, b::strictMode, "recovery", "strict_mode");
    ifSet(String.class, t -> b.adaptiveConcurrency("adaptive".equals(t)), "overload", "concurrency", "type");
    ifSet(Number.class, n -> b.initialLimit(n.intValue()), "overload", "concurrency", "initial_limit");
    ifSet(Number.class, n -> b.minLimit(n.intValue()), "overload", "concurrency", "min_limit");
    ifSet(Number.class, n -> b.maxLimit(n.intValue()), "overload", "concurrency", "max_limit");
    ifSet(String.class, d -> b.probeInterval(Durations.parse(d)), "overload", "concurrency", "probe_interval");
    ifSet(Boolean.class, b::throttling, "overload", "throttling", "enabled");
    ifSet(Number.class, n -> b.throttlingThreshold(n.doubleValue()), "overload", "throttling", "threshold");
    ifSet(String.class, d -> b.throttlingWindow(Durations.parse(d)), "overload", "throttling", "window");
    ifSet(Number.class, n -> b.maxAttempts(n.intValue()), "retry", "max_attempts");
    ifSet(String.class, d -> b.retryBackoff(Durations.parse(d)), "retry", "backoff");
    ifSet(Number.class, n -> b.retryJitter(n.doubleValue()), "retry", "jitter");
    ifSet(List.class, on -> b.retryOn(on.contains("timeout"), on.contains("failure")), "retry", "on");
    ifSet(Boolean.class, b::retryIdempotentOnly, "retry", "idempotent_only");
    ifSet(String.class, d -> b.attemptTimeout(Durations.parse(d)), "retry", "attempt_timeout");
    ifSet(Boolean.class, b::retryClusterBudget, "retry", "cluster_budget");
    ifSet(Number.class, n -> b.retryBudgetRatio(n.doubleValue()), "retry", "budget", "ratio");
    ifSet(Number.class, n -> b.retryBudgetMinPerSecond(n.doubleValue()), "retry", "budget", "min_per_second");
    for (Priority priority : Priority.all()) {
      ifSet(Number.class, n -> b.share(priority, n.doubleValue()), "overload", "concurrency", "shares", priority.wireName());
    }
  }

  /** An explicit {@code enabled: false} beside a threshold wins over the threshold's implied "on". */
  private boolean bool(String... path) {
    Object v = get(path);
    return !(v instanceof Boolean enabled) || enabled;
  }

  private <T> void ifSet(Class<T> type, Consumer<T> setter, String... path) {
    Object v = get(path);
    if (type.isInstance(v)) {
      setter.accept(type.cast(v));
    }
  }

  Object get(String... path) {
    Object node = section;
    for (String key : path) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(key);
    }
    return node;
  }
}
