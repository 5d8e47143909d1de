package io.fusebox.core;

import java.util.Locale;

/**
 * Trips when a share of the window's calls (failed ones, or slow ones) reaches a threshold, once the
 * window holds at least {@code minimumCalls}.
 *
 * <p>The threshold is kept in parts per million and compared by integer multiplication: exact at
 * the edges (3 of 30 calls is exactly 0.1), and no division on the call path.
 */
final class RateDetector {

  private static final long PPM = 1_000_000L;

  private final double threshold;
  private final long thresholdPpm;
  private final int minimumCalls;

  RateDetector(double threshold, int minimumCalls) {
    this.threshold = threshold;
    this.thresholdPpm = Math.round(threshold * PPM);
    this.minimumCalls = minimumCalls;
  }

  boolean tripped(int matching, int calls) {
    return calls >= minimumCalls && matching * PPM >= thresholdPpm * calls;
  }

  /** E.g. {@code failure_rate 0.62>=0.50}; the name is passed in so that no breaker keeps a copy. */
  String reason(String name, int matching, int calls) {
    return String.format(Locale.ROOT, "%s %.2f>=%.2f", name, (double) matching / calls, threshold);
  }
}
