package io.fusebox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything that shapes one breaker's behaviour, immutable and validated on construction.
 *
 * <p>The component names follow the configuration keys of {@code conf/fusebox.yaml}
 * ({@code detection.failure_rate.minimum_calls} ...) so that a validation problem names the key a
 * user has to fix. Build one with {@link #builder()}; start from a preset with {@link Presets}.
 */
public record BreakerConfig(
    ConsecutiveFailures consecutiveFailures,
    FailureRate failureRate,
    SlowCalls slowCalls,
    Duration callTimeout,
    Bulkhead bulkhead,
    Transitions transitions,
    Recovery recovery,
    Overload overload,
    Retry retry) {

  /** Failures in a row that trip a closed breaker. */
  public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
  /** Share of failed calls in the window, in (0, 1], that trips a closed breaker. */
  public static final double DEFAULT_FAILURE_RATE = 0.5;
  /** Calls the window must hold before rates are judged. */
  public static final int DEFAULT_MINIMUM_CALLS = 10;
  /** Length of the time-based window; whole seconds, one bucket per second. */
  public static final Duration DEFAULT_WINDOW_DURATION = Duration.ofSeconds(60);
  /** Calls a count-based window holds. */
  public static final int DEFAULT_WINDOW_SIZE = 100;
  /** A call slower than this is a slow call, whatever its outcome. */
  public static final Duration DEFAULT_SLOW_CALL_THRESHOLD = Duration.ofSeconds(5);
  /** Share of slow calls in the window, in (0, 1], that trips a closed breaker. */
  public static final double DEFAULT_SLOW_CALL_RATE = 0.5;
  /** A call still running after this is answered with a timeout and counted as failed. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);
  /** Calls in flight at once per breaker. */
  public static final int DEFAULT_MAX_CONCURRENT_CALLS = 256;
  /** Calls waiting for an in-flight slot; 0 means none wait. */
  public static final int DEFAULT_MAX_WAIT_QUEUE = 1024;
  /** Time an open breaker waits before its first probe. */
  public static final Duration DEFAULT_OPEN_TIMEOUT = Duration.ofSeconds(30);
  /** Factor applied to the open timeout at each re-open without a close in between; 1.0 keeps it flat. */
  public static final double DEFAULT_BACKOFF_MULTIPLIER = 2.0;
  /**
   * Upper bound of the backed-off open timeout. 45 s rather than minutes: a dependency that comes
   * back is probed within 45 s however long it was down (the recovery target is 60 s), at the cost
   * of up to {@code permitted_probes} calls per 45 s against one that stays down.
   */
  public static final Duration DEFAULT_MAX_OPEN_TIMEOUT = Duration.ofSeconds(45);
  /** Random spread of each open timeout, in [0, 1]: 0.2 means up to 20% shorter or longer. */
  public static final double DEFAULT_JITTER = 0.0;
  /** Probe calls admitted at once while half-open; at most 1000. */
  public static final int DEFAULT_PERMITTED_PROBES = 3;
  /** Successful probes in a row that close a half-open breaker. */
  public static final int DEFAULT_SUCCESS_THRESHOLD = 3;

  /** The adaptive concurrency limit before anything is measured. */
  public static final int DEFAULT_INITIAL_LIMIT = 20;
  /** The adaptive limit never goes below this, so that a slow dependency is still measured. */
  public static final int DEFAULT_MIN_LIMIT = 2;
  /** The adaptive limit never goes above this. */
  public static final int DEFAULT_MAX_LIMIT = 256;
  /** Time between two measurements of a dependency's no-load round trip by the adaptive limit. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(10);
  /** Guaranteed shares of the concurrency limit by priority; what they leave over goes to any. */
  public static final Shares DEFAULT_SHARES = new Shares(0.5, 0.3, 0.1);

  /** The failure share from which the throttling state refuses calls. */
  public static final double DEFAULT_THROTTLING_THRESHOLD = 0.2;
  /** The calls the throttling state weighs: those of the last ten seconds. */
  public static final Duration DEFAULT_THROTTLING_WINDOW = Duration.ofSeconds(10);
  /** Longest throttling window (the SRE book's two minutes). */
  public static final Duration MAX_THROTTLING_WINDOW = Duration.ofMinutes(2);
  /** Attempts a call may make, the first included; 1 means no retries. */
  public static final int DEFAULT_MAX_ATTEMPTS = 1;
  /** Wait before a retry, before jitter. */
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(50);
  /** Random spread of each retry's wait, in [0, 1]: 0.5 means anywhere from half to one and a half of it. */
  public static final double DEFAULT_RETRY_JITTER = 0.5;
  /** Retries allowed per first attempt of the last ten seconds. */
  public static final double DEFAULT_RETRY_RATIO = 0.1;
  /** Retries allowed each second whatever the traffic, so that a quiet breaker can retry at all. */
  public static final double DEFAULT_RETRY_MIN_PER_SECOND = 1.0;
  /** Most attempts a call may make. */
  public static final int MAX_ATTEMPTS = 10;

  /** Longest time-based window, which bounds its memory to one bucket per second of it. */
  public static final Duration MAX_WINDOW_DURATION = Duration.ofHours(1);
  /** Largest count-based window. */
  public static final int MAX_WINDOW_SIZE = 100_000;

  public enum WindowType {
    COUNT_BASED("count_based"),
    TIME_BASED("time_based");

    private final String wireName;

    WindowType(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static WindowType fromWireName(String name) {
      for (WindowType type : values()) {
        if (type.wireName.equals(name)) {
          return type;
        }
      }
      throw new IllegalArgumentException("unknown window type '" + name + "'");
    }
  }

  /** {@code noiseAware}: a run must also outlast what the window's failure rate makes by chance. */
  public record ConsecutiveFailures(boolean enabled, int threshold, boolean noiseAware) {
  }

  /** The window is shared by the failure-rate and slow-call detectors. */
  public record Window(WindowType type, int size, Duration duration) {
  }

  public record FailureRate(boolean enabled, double threshold, int minimumCalls, Window window) {
  }

  public record SlowCalls(boolean enabled, Duration threshold, double rateThreshold) {
  }

  public record Bulkhead(int maxConcurrentCalls, int maxWaitQueue) {
  }

  public record Transitions(
      Duration openTimeout,
      boolean enableExponentialBackoff,
      double backoffMultiplier,
      Duration maxOpenTimeout,
      double jitter) {
  }

  public record Recovery(int permittedProbes, int successThreshold, boolean strictMode) {
  }

  /**
   * Retries made by the breaker itself, so that callers need not retry on their own: up to
   * {@code maxAttempts} attempts of a call that failed or timed out (as {@code onFailure} and
   * {@code onTimeout} say), of idempotent operations only unless told otherwise, each after a
   * jittered backoff, within the call's deadline, and within a {@link RetryBudget}.
   *
   * @param attemptTimeout each attempt's own deadline, so that a timed-out attempt leaves time to
   *     retry; null: an attempt has what is left of the call's
   * @param clusterBudget the budget is shared by the breaker's instances in the cluster
   */
  public record Retry(int maxAttempts, Duration backoff, double jitter, boolean onTimeout, boolean onFailure,
      boolean idempotentOnly, Duration attemptTimeout, double budgetRatio, double budgetMinPerSecond,
      boolean clusterBudget) {

    public boolean enabled() {
      return maxAttempts > 1;
    }
  }

  /** What a breaker does when more calls come than its dependency can take, or when it browns out. */
  public record Overload(Concurrency concurrency, Throttling throttling) {
  }

  /**
   * The throttling state between closed and open ({@link Throttle}): from a failure share of
   * {@code threshold} over the last {@code window}, a share of calls is refused that rises with it.
   */
  public record Throttling(boolean enabled, double threshold, Duration window) {
  }

  /**
   * How many calls may be in flight: {@code bulkhead.max_concurrent_calls} when static, or a limit
   * that follows the dependency's measured latency ({@link AdaptiveLimit}) between
   * {@code minLimit} and {@code maxLimit}. Either way, waiting calls start by priority and shares.
   */
  public record Concurrency(boolean adaptive, int initialLimit, int minLimit, int maxLimit, Duration probeInterval,
      Shares shares) {
  }

  /**
   * The share of the concurrency limit each priority is guaranteed: a priority below its share is
   * served before those at or above theirs, so sheddable calls cannot crowd critical ones out, and
   * critical ones cannot starve the rest entirely. Shares add up to at most 1.
   */
  public record Shares(double critical, double normal, double sheddable) {

    public double of(Priority priority) {
      return switch (priority) {
        case CRITICAL -> critical;
        case NORMAL -> normal;
        case SHEDDABLE -> sheddable;
      };
    }
  }

  public BreakerConfig {
    Objects.requireNonNull(consecutiveFailures, "consecutiveFailures");
    Objects.requireNonNull(failureRate, "failureRate");
    Objects.requireNonNull(failureRate.window(), "failureRate.window");
    Objects.requireNonNull(slowCalls, "slowCalls");
    Objects.requireNonNull(bulkhead, "bulkhead");
    Objects.requireNonNull(transitions, "transitions");
    Objects.requireNonNull(recovery, "recovery");
    Objects.requireNonNull(overload, "overload");
    List<String> problems = problems(consecutiveFailures, failureRate, slowCalls, callTimeout, bulkhead,
        transitions, recovery);
    problems.addAll(problems(overload.concurrency()));
    problems.addAll(problems(overload.throttling()));
    Objects.requireNonNull(retry, "retry");
    problems.addAll(problems(retry));
    if (!problems.isEmpty()) {
      throw new InvalidBreakerConfigException(problems);
    }
  }

  /** The values of DESIGN.md, which the {@code default} preset uses too. */
  public static BreakerConfig defaults() {
    return new BreakerConfigBuilder().build();
  }

  public static BreakerConfigBuilder builder() {
    return new BreakerConfigBuilder();
  }

  /** A builder holding this config's values, to change a few of them. */
  public BreakerConfigBuilder toBuilder() {
    return new BreakerConfigBuilder(this);
  }

  private static List<String> problems(ConsecutiveFailures consecutive, FailureRate rate, SlowCalls slow,
      Duration callTimeout, Bulkhead bulkhead, Transitions transitions, Recovery recovery) {
    Problems p = new Problems();
    p.atLeast("detection.consecutive_failures.threshold", consecutive.threshold(), 1);
    p.rate("detection.failure_rate.threshold", rate.threshold());
    p.atLeast("detection.failure_rate.minimum_calls", rate.minimumCalls(), 1);
    Window window = rate.window();
    if (window.type() == null) {
      p.add("detection.failure_rate.window.type", "missing", "null", "count_based or time_based");
    } else if (window.type() == WindowType.COUNT_BASED) {
      if (window.size() < 1 || window.size() > MAX_WINDOW_SIZE) {
        p.add("detection.failure_rate.window.size", "out of range", window.size(), "1.." + MAX_WINDOW_SIZE);
      } else if (window.size() < rate.minimumCalls()) {
        p.add("detection.failure_rate.window.size", "smaller than minimum_calls, so rates could never be judged",
            window.size(), ">= " + rate.minimumCalls());
      }
    } else if (p.positive("detection.failure_rate.window.duration", window.duration())) {
      if (window.duration().toNanos() % 1_000_000_000L != 0 || window.duration().compareTo(MAX_WINDOW_DURATION) > 0) {
        p.add("detection.failure_rate.window.duration", "not a whole number of seconds up to 1h",
            Durations.format(window.duration()), "1s..1h in whole seconds");
      }
    }
    p.positive("detection.slow_calls.threshold", slow.threshold());
    p.rate("detection.slow_calls.rate_threshold", slow.rateThreshold());
    p.positive("detection.call_timeout", callTimeout);
    p.atLeast("bulkhead.max_concurrent_calls", bulkhead.maxConcurrentCalls(), 1);
    p.atLeast("bulkhead.max_wait_queue", bulkhead.maxWaitQueue(), 0);
    boolean openOk = p.positive("transitions.open_timeout", transitions.openTimeout());
    if (!(transitions.backoffMultiplier() >= 1.0) || Double.isInfinite(transitions.backoffMultiplier())) {
      p.add("transitions.backoff_multiplier", "out of range", transitions.backoffMultiplier(), "a finite number >= 1.0");
    }
    if (p.positive("transitions.max_open_timeout", transitions.maxOpenTimeout()) && openOk
        && transitions.maxOpenTimeout().compareTo(transitions.openTimeout()) < 0) {
      p.add("transitions.max_open_timeout", "shorter than open_timeout",
          Durations.format(transitions.maxOpenTimeout()), ">= " + Durations.format(transitions.openTimeout()));
    }
    if (!(transitions.jitter() >= 0.0 && transitions.jitter() <= 1.0)) {
      p.add("transitions.jitter", "out of range", transitions.jitter(), "a number in [0, 1]");
    }
    p.between("recovery.permitted_probes", recovery.permittedProbes(), 1, HalfOpenProbes.MAX_PERMITS);
    p.atLeast("recovery.success_threshold", recovery.successThreshold(), 1);
    return p.list;
  }

  private static List<String> problems(Throttling t) {
    Problems p = new Problems();
    if (!(t.threshold() > 0.0 && t.threshold() < 1.0)) {
      p.add("overload.throttling.threshold", "out of range", t.threshold(), "a failure share in (0, 1)");
    }
    if (p.positive("overload.throttling.window", t.window()) && (t.window().toNanos() % 1_000_000_000L != 0
        || t.window().compareTo(MAX_THROTTLING_WINDOW) > 0)) {
      p.add("overload.throttling.window", "not a whole number of seconds up to 2m", Durations.format(t.window()),
          "1s..2m in whole seconds");
    }
    return p.list;
  }

  private static List<String> problems(Retry r) {
    Problems p = new Problems();
    p.between("retry.max_attempts", r.maxAttempts(), 1, MAX_ATTEMPTS);
    p.positive("retry.backoff", r.backoff());
    if (!(r.jitter() >= 0.0 && r.jitter() <= 1.0)) {
      p.add("retry.jitter", "out of range", r.jitter(), "a number in [0, 1]");
    }
    if (r.attemptTimeout() != null) {
      p.positive("retry.attempt_timeout", r.attemptTimeout());
    }
    if (!(r.budgetRatio() >= 0.0 && r.budgetRatio() <= 10.0)) {
      p.add("retry.budget.ratio", "out of range", r.budgetRatio(), "a number in [0, 10]");
    }
    if (!(r.budgetMinPerSecond() >= 0.0 && r.budgetMinPerSecond() <= 1_000_000.0)) {
      p.add("retry.budget.min_per_second", "out of range", r.budgetMinPerSecond(), "a number >= 0");
    }
    if (r.enabled() && !r.onTimeout() && !r.onFailure()) {
      p.add("retry.on", "empty, so nothing would be retried", "[]", "timeout, failure or both");
    }
    return p.list;
  }

  private static List<String> problems(Concurrency c) {
    Problems p = new Problems();
    p.atLeast("overload.concurrency.min_limit", c.minLimit(), 1);
    if (c.maxLimit() < c.minLimit()) {
      p.add("overload.concurrency.max_limit", "below min_limit", c.maxLimit(), ">= " + c.minLimit());
    }
    if (c.initialLimit() < c.minLimit() || c.initialLimit() > c.maxLimit()) {
      p.add("overload.concurrency.initial_limit", "outside min_limit..max_limit", c.initialLimit(),
          c.minLimit() + ".." + c.maxLimit());
    }
    if (p.positive("overload.concurrency.probe_interval", c.probeInterval())
        && c.probeInterval().compareTo(Duration.ofSeconds(1)) < 0) {
      p.add("overload.concurrency.probe_interval", "too short to keep the limit near capacity",
          Durations.format(c.probeInterval()), ">= 1s");
    }
    Shares s = c.shares();
    for (Priority priority : Priority.all()) {
      double share = s.of(priority);
      if (!(share >= 0.0 && share <= 1.0)) {
        p.add("overload.concurrency.shares." + priority.wireName(), "out of range", share, "a share in [0, 1]");
      }
    }
    if (s.critical() + s.normal() + s.sheddable() > 1.0 + 1e-9) {
      p.add("overload.concurrency.shares", "more than the whole limit",
          s.critical() + s.normal() + s.sheddable(), "shares adding up to at most 1");
    }
    return p.list;
  }

  /** Collects problems as {@code path: problem (got X, expected Y)}. */
  private static final class Problems {
    final List<String> list = new ArrayList<>();

    void add(String path, String problem, Object got, String expected) {
      list.add(String.format(Locale.ROOT, "%s: %s (got %s, expected %s)", path, problem, got, expected));
    }

    void atLeast(String path, int value, int min) {
      if (value < min) {
        add(path, "out of range", value, "an integer >= " + min);
      }
    }

    void between(String path, int value, int min, int max) {
      if (value < min || value > max) {
        add(path, "out of range", value, "an integer in " + min + ".." + max);
      }
    }

    void rate(String path, double value) {
      if (!(value > 0.0 && value <= 1.0)) {
        add(path, "out of range", value, "a rate in (0, 1]");
      }
    }

    boolean positive(String path, Duration value) {
      if (value == null) {
        add(path, "missing", "null", "a duration such as 250ms, 30s or 5m");
        return false;
      }
      if (value.isNegative() || value.isZero()) {
        add(path, "not a positive duration", Durations.format(value), "a duration > 0");
        return false;
      }
      return true;
    }
  }
}
