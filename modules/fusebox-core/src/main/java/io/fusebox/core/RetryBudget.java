package io.fusebox.core;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * How many retries a breaker may make: at most {@code ratio} of the first attempts of the last
 * {@value #WINDOW_SECONDS} seconds, plus {@code minPerSecond} a second, so that a failing
 * dependency sees at most {@code 1 + ratio} times its callers' load instead of
 * {@code max_attempts} times (a retry storm). Counted in one-second buckets; owned by one thread
 * (a breaker's event loop), which passes the time.
 *
 * <p>Shared by a breaker's instances in a cluster, each instance hears the others' first attempts
 * and retries of their windows (published four times a second) and weighs its retries against the sum,
 * with one floor for them all: the cluster's dependency sees at most {@code 1 + ratio} times the
 * cluster's load. What it heard is at most {@link #STALE_NANOS} old, and forgotten after that (an
 * instance gone quiet or gone); no lock is taken anywhere, so the bound can be overrun by about one
 * publishing period of the other instances' retries.
 */
public final class RetryBudget {

  /** The seconds of first attempts and retries the budget weighs. */
  public static final int WINDOW_SECONDS = 10;

  /** What another instance said of its window counts longer ago than this is forgotten: 3 s. */
  public static final long STALE_NANOS = 3_000_000_000L;

  private static final long[] NOTHING_HEARD = {0, 0};

  private final double ratio;
  private final double minPerSecond;
  /** This instance's first attempts (first count) and retries (second count). */
  private final CountsBySecond counts;
  /** The other instances' {first attempts, retries, when heard}, by instance. */
  private final Map<String, long[]> others = new HashMap<>();
  private long exhausted;

  public RetryBudget(double ratio, double minPerSecond, long now) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.counts = new CountsBySecond(WINDOW_SECONDS, now);
  }

  /** A call's first attempt, which earns the budget {@code ratio} of a retry. */
  public void firstAttempt(long now) {
    counts.addFirst(now);
  }

  /** Takes one retry from the budget; false, and counted as exhausted, when it is spent. */
  public boolean tryRetry(long now) {
    if (left(now) < 1) {
      exhausted++;
      return false;
    }
    counts.addSecond(now);
    return true;
  }

  /** Retries the budget would allow now. */
  public long left(long now) {
    long[] heard = heard(now);
    long allowed = (long) (ratio * (counts.first(now) + heard[0]) + minPerSecond * WINDOW_SECONDS);
    return Math.max(0, allowed - counts.second(now) - heard[1]);
  }

  /** Another instance's first attempts and retries in its window, as it published them. */
  public void heard(String instance, long firsts, long retries, long now) {
    others.put(instance, new long[] {firsts, retries, now});
  }

  /** This instance's own first attempts in the window, for the others to hear. */
  public long ownFirsts(long now) {
    return counts.first(now);
  }

  /** This instance's own retries in the window, for the others to hear. */
  public long ownRetries(long now) {
    return counts.second(now);
  }

  /** Other instances heard from within {@link #STALE_NANOS}. */
  public int instancesHeard(long now) {
    others.values().removeIf(o -> now - o[2] > STALE_NANOS);
    return others.size();
  }

  /**
   * Milliseconds until a retry is likely allowed again: the floor earns one every
   * {@code 1 / minPerSecond} seconds, and the oldest second's retries leave the window within a second.
   */
  public long retryAfterMillis() {
    return minPerSecond > 0 ? Math.min(1000, (long) Math.ceil(1000 / minPerSecond)) : 1000;
  }

  /** Retries refused for want of budget since the start. */
  public long exhausted() {
    return exhausted;
  }

  /** The fresh sums of the others' {first attempts, retries}; stale ones are forgotten. */
  private long[] heard(long now) {
    if (others.isEmpty()) {
      return NOTHING_HEARD;
    }
    long firsts = 0;
    long retries = 0;
    for (Iterator<long[]> it = others.values().iterator(); it.hasNext(); ) {
      long[] o = it.next();
      if (now - o[2] > STALE_NANOS) {
        it.remove();
      } else {
        firsts += o[0];
        retries += o[1];
      }
    }
    return new long[] {firsts, retries};
  }
}
