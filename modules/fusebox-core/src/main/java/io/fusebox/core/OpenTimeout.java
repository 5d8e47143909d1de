package io.fusebox.core;

import java.util.concurrent.TimeUnit;

/**
 * How long an open breaker waits before probing: {@code open_timeout}, multiplied by
 * {@code backoff_multiplier} at each re-open without a close in between (the backoff level), capped
 * at {@code max_open_timeout}, then spread by up to {@code ±jitter} of itself so that many breakers
 * that opened together do not probe together. The level is the breaker's; the policy and its
 * source of jitter may be shared by breakers of one thread.
 */
final class OpenTimeout {

  private final long baseNanos;
  private final long maxNanos;
  private final double multiplier;
  private final double jitter;
  /** xorshift64* state: jitter needs a little randomness, not an object. */
  private long seed;

  OpenTimeout(BreakerConfig.Transitions config, long seed) {
    this.baseNanos = config.openTimeout().toNanos();
    this.maxNanos = config.maxOpenTimeout().toNanos();
    this.multiplier = config.enableExponentialBackoff() ? config.backoffMultiplier() : 1.0;
    this.jitter = config.jitter();
    this.seed = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
  }

  /** The wait for a backoff level, jittered, never longer than the cap nor shorter than 1 ms. */
  long nextNanos(int level) {
    double backedOff = Math.min(baseNanos * Math.pow(multiplier, level), maxNanos);
    double spread = jitter == 0.0 ? 1.0 : 1.0 + jitter * (2.0 * nextUnit() - 1.0);
    long nanos = (long) Math.min(backedOff * spread, maxNanos);
    return Math.max(nanos, TimeUnit.MILLISECONDS.toNanos(1));
  }

  /** The un-jittered wait of a given level. */
  long plainNanos(int atLevel) {
    return (long) Math.min(baseNanos * Math.pow(multiplier, atLevel), maxNanos);
  }

  private double nextUnit() {
    seed ^= seed >>> 12;
    seed ^= seed << 25;
    seed ^= seed >>> 27;
    return ((seed * 0x2545F4914F6CDD1DL) >>> 11) * 0x1.0p-53;
  }
}
