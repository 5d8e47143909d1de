package io.fusebox.core;

/**
 * What a configuration makes of a breaker that no call changes: the clock, the thresholds, the
 * open-timeout policy, the shape of the window. A breaker keeps only its state beside a reference
 * to these, so the breakers of a keyed family, made from one configuration on one thread, share
 * one set and each key costs only what it counts.
 */
final class BreakerRules {

  /** The most buckets a key's time window is cut into: a 60 s window in six of 10 s. */
  static final int KEY_WINDOW_BUCKETS = 6;

  final Clock clock;
  /** Null when that rule is disabled. */
  final RateDetector failureRate;
  /** Null when that rule is disabled. */
  final RateDetector slowCallRate;
  final long slowCallNanos;
  final long callTimeoutNanos;
  /** Shared by every breaker made with these rules, so by one thread only, as the breakers are. */
  final OpenTimeout openTimeout;
  final int permittedProbes;
  final int successThreshold;
  final boolean strictMode;
  /** 0 when that rule is disabled. */
  private final int consecutiveThreshold;
  private final boolean consecutiveNoiseAware;
  /** The calls a count window holds; 0 for a time window. */
  private final int windowCalls;
  /** How often a time window's latencies halve (half its duration); 0 for a count window. */
  final long latencyDecayNanos;
  private final int windowBuckets;
  private final int bucketSeconds;

  private BreakerRules(BreakerConfig config, Clock clock, long jitterSeed, int maxWindowBuckets) {
    this.clock = clock;
    BreakerConfig.FailureRate rate = config.failureRate();
    this.failureRate = rate.enabled() ? new RateDetector(rate.threshold(), rate.minimumCalls()) : null;
    this.slowCallRate = config.slowCalls().enabled()
        ? new RateDetector(config.slowCalls().rateThreshold(), rate.minimumCalls()) : null;
    this.slowCallNanos = config.slowCalls().threshold().toNanos();
    this.callTimeoutNanos = config.callTimeout().toNanos();
    this.openTimeout = new OpenTimeout(config.transitions(), jitterSeed);
    this.permittedProbes = config.recovery().permittedProbes();
    this.successThreshold = config.recovery().successThreshold();
    this.strictMode = config.recovery().strictMode();
    // numbers, not the configuration's records: a breaker alone keeps these too, and within 1 KB
    BreakerConfig.ConsecutiveFailures consecutive = config.consecutiveFailures();
    this.consecutiveThreshold = consecutive.enabled() ? consecutive.threshold() : 0;
    this.consecutiveNoiseAware = consecutive.noiseAware();
    BreakerConfig.Window window = rate.window();
    this.windowCalls = window.type() == BreakerConfig.WindowType.COUNT_BASED ? window.size() : 0;
    int seconds = window.duration() == null ? 1 : (int) Math.max(1, window.duration().toSeconds());
    this.bucketSeconds = seconds <= maxWindowBuckets ? 1 : (seconds + maxWindowBuckets - 1) / maxWindowBuckets;
    this.windowBuckets = (seconds + bucketSeconds - 1) / bucketSeconds;
    this.latencyDecayNanos = windowCalls > 0 ? 0 : seconds * 500_000_000L;
  }

  /**
   * Makes {@code latency} follow this window (see {@link LatencyHistogram}); a count window of
   * fewer than {@value LatencyHistogram#MIN_HALVE_AT} calls is followed over that many, since
   * halving the counts costs a pass over the buckets, too often on the record path for a small window.
   */
  void span(LatencyHistogram latency) {
    latency.halveAt(windowCalls > 0 ? Math.max(LatencyHistogram.MIN_HALVE_AT, windowCalls) : LatencyHistogram.MAX_TOTAL);
  }

  /** The rules of one breaker: a time window in buckets of one second. */
  static BreakerRules forBreaker(BreakerConfig config, Clock clock, long jitterSeed) {
    return new BreakerRules(config, clock, jitterSeed, Integer.MAX_VALUE);
  }

  /**
   * The rules shared by a keyed family's breakers: a time window in at most
   * {@value #KEY_WINDOW_BUCKETS} buckets, which is what makes a key small.
   */
  static BreakerRules forKeys(BreakerConfig config, Clock clock, long jitterSeed) {
    return new BreakerRules(config, clock, jitterSeed, KEY_WINDOW_BUCKETS);
  }

  OutcomeWindow newWindow() {
    return windowCalls > 0 ? new CountWindow(windowCalls) : new TimeWindow(clock, windowBuckets, bucketSeconds);
  }

  /** Null when that rule is disabled. */
  ConsecutiveFailureDetector newConsecutiveDetector() {
    return consecutiveThreshold > 0 ? new ConsecutiveFailureDetector(consecutiveThreshold, consecutiveNoiseAware) : null;
  }
}
