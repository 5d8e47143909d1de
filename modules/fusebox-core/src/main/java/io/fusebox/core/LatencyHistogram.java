package io.fusebox.core;

import java.util.Arrays;

/**
 * Call latencies in 188 buckets (376 bytes of counts), for p50/p95/p99 within 3.5% of the exact
 * quantile of the same calls from 1 ms to 68 s, where a breaker's thresholds live.
 *
 * <p>From 2^20 ns (1.05 ms) to 2^36 ns (68.7 s) each power of two is cut into 11 buckets of about
 * 6.5% of their value each, so that a quantile reported at the geometric middle of its bucket is
 * never more than half a bucket off. The cut is read from a table of the 8 bits under the leading
 * one, so recording costs a few shifts and one load, no logarithm. Below 1 ms a bucket spans a
 * whole power of two (a quantile there is within 41%), and everything over 68.7 s shares the last.
 *
 * <p>Counts halve, so that the quantiles follow the breaker's window rather than its whole life:
 * once they add up to the calls a count window holds (at least {@link #MIN_HALVE_AT}), and, for a time window, every half of its
 * duration ({@link #decay}, from the breaker's tick) or once they reach {@link #MAX_TOTAL}, which
 * also keeps every count within a {@code char}. A call then weighs 1 for about half a window and
 * half as much for each half window before: the quantiles of a trip are its window's, weighted
 * toward its most recent calls. Alone (tests) the counts halve at {@link #HALVE_AT}.
 */
final class LatencyHistogram {

  private static final int COARSE_FROM_POWER = 10;
  private static final int FINE_FROM_POWER = 20;
  private static final int FINE_TO_POWER = 36;
  private static final int CUTS = 11;
  private static final int FIRST_FINE = 1 + FINE_FROM_POWER - COARSE_FROM_POWER;
  static final int BUCKETS = FIRST_FINE + (FINE_TO_POWER - FINE_FROM_POWER) * CUTS + 1;
  static final int HALVE_AT = 2048;
  static final int MAX_TOTAL = 60_000;
  static final int MIN_HALVE_AT = 256;

  /** The cut of a power of two that each value of the 8 bits under its leading one falls in. */
  private static final byte[] CUT_OF = new byte[256];
  /** Where each cut starts, in 256ths of its power of two above it; one more entry ends the last. */
  private static final int[] CUT_START = new int[CUTS + 1];

  static {
    for (int j = 0; j < 256; j++) {
      CUT_OF[j] = (byte) Math.floor(CUTS * Math.log1p((j + 0.5) / 256) / Math.log(2));
    }
    for (int cut = 0, j = 0; cut < CUTS; cut++) {
      while (CUT_OF[j] < cut) {
        j++;
      }
      CUT_START[cut] = j;
    }
    CUT_START[CUTS] = 256;
  }

  private final char[] counts = new char[BUCKETS];
  private int total;
  private int halveAt = HALVE_AT;
  /** When {@link #decay} next halves the counts; 0 until its first call. */
  private long nextDecayNanos;

  void record(long nanos) {
    counts[index(nanos)]++;
    if (++total >= halveAt) {
      halve();
    }
  }

  /** Halves the counts once they add up to {@code calls} (a count window's size, at most {@link #MAX_TOTAL}). */
  void halveAt(int calls) {
    halveAt = Math.max(2, Math.min(MAX_TOTAL, calls));
  }

  /** Halves the counts every {@code everyNanos} of {@code nowNanos}, the time a breaker's tick reads. */
  void decay(long nowNanos, long everyNanos) {
    if (nextDecayNanos == 0) {
      nextDecayNanos = nowNanos + everyNanos;
    } else if (nowNanos >= nextDecayNanos) {
      halve();
      nextDecayNanos = nowNanos + everyNanos;
    }
  }

  static int index(long nanos) {
    if (nanos < (1L << COARSE_FROM_POWER)) {
      return 0;
    }
    int power = 63 - Long.numberOfLeadingZeros(nanos);
    if (power < FINE_FROM_POWER) {
      return 1 + power - COARSE_FROM_POWER;
    }
    if (power >= FINE_TO_POWER) {
      return BUCKETS - 1;
    }
    int under = (int) (nanos >>> (power - 8)) & 0xFF;
    return FIRST_FINE + (power - FINE_FROM_POWER) * CUTS + CUT_OF[under];
  }

  static long lowerBound(int index) {
    if (index == 0) {
      return 0;
    }
    if (index < FIRST_FINE) {
      return 1L << (COARSE_FROM_POWER + index - 1);
    }
    if (index == BUCKETS - 1) {
      return 1L << FINE_TO_POWER;
    }
    int power = FINE_FROM_POWER + (index - FIRST_FINE) / CUTS;
    int cut = (index - FIRST_FINE) % CUTS;
    return (1L << power) + ((long) CUT_START[cut] << (power - 8));
  }

  /**
   * The q-quantile in nanoseconds, by nearest rank: the geometric middle of the bucket that holds
   * the call of rank ceil(q n); 0 when nothing was recorded.
   */
  double quantileNanos(double q) {
    if (total == 0) {
      return 0;
    }
    double rank = Math.max(1, Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return middle(i);
      }
    }
    return middle(BUCKETS - 1);
  }

  private static double middle(int index) {
    if (index == 0) {
      return (1L << COARSE_FROM_POWER) / 2.0;
    }
    if (index == BUCKETS - 1) {
      return lowerBound(index);
    }
    return Math.sqrt((double) lowerBound(index) * lowerBound(index + 1));
  }

  int total() {
    return total;
  }

  private void halve() {
    total = 0;
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] >>= 1;
      total += counts[i];
    }
  }

  void clear() {
    Arrays.fill(counts, (char) 0);
    total = 0;
    nextDecayNanos = 0;
  }
}
