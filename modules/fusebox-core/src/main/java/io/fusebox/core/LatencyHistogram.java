package io.fusebox.core;

import java.util.Arrays;

/**
 * Call latencies in 56 buckets, two per power of two from 1 µs to about 2 minutes, for p50/p95/p99
 * within one bucket (at most 50% wide) in 128 bytes.
 *
 * <p>Counts halve once they reach {@link #HALVE_AT}, so the quantiles follow roughly the last one
 * to two thousand calls rather than the breaker's whole life, and every count fits a {@code char}.
 */
final class LatencyHistogram {

  private static final int BUCKETS = 56;
  private static final int FIRST_POWER = 10;
  static final int HALVE_AT = 2048;

  private final char[] counts = new char[BUCKETS];
  private int total;

  void record(long nanos) {
    counts[index(nanos)]++;
    if (++total >= HALVE_AT) {
      halve();
    }
  }

  static int index(long nanos) {
    if (nanos < (1L << FIRST_POWER)) {
      return 0;
    }
    int power = 63 - Long.numberOfLeadingZeros(nanos);
    int half = (int) (nanos >>> (power - 1)) & 1;
    return Math.min(2 * (power - FIRST_POWER) + half, BUCKETS - 1);
  }

  static long lowerBound(int index) {
    if (index == 0) {
      return 0;
    }
    int power = FIRST_POWER + index / 2;
    return (1L << power) + ((index & 1) == 1 ? 1L << (power - 1) : 0);
  }

  /** The q-quantile in nanoseconds, interpolated inside its bucket; 0 when nothing was recorded. */
  double quantileNanos(double q) {
    if (total == 0) {
      return 0;
    }
    double rank = Math.max(1, Math.ceil(q * total));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      if (counts[i] == 0) {
        continue;
      }
      if (seen + counts[i] >= rank) {
        long lower = lowerBound(i);
        long upper = i + 1 < BUCKETS ? lowerBound(i + 1) : lower * 2;
        return lower + (upper - lower) * ((rank - seen) / counts[i]);
      }
      seen += counts[i];
    }
    return lowerBound(BUCKETS - 1);
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
  }
}
