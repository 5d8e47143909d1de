package io.fusebox.core;

import java.util.Locale;

/**
 * Trips when a share of the window's calls (failed ones, or slow ones) reaches a threshold, once the
 * window holds at least {@code minimumCalls}.
 *
 * <p>The share is compared as the same correctly rounded quotient that snapshots report, so a
 * threshold trips at exactly the rate it names: 2 of 3 calls reach {@code 2/3}, 3 of 30 reach
 * {@code 0.1}. (Thresholds rounded to a fixed scale, or compared by multiplying, miss such edges.) A
 * window with no matching call cannot trip, which keeps the division off the healthy path.
 */
final class RateDetector {

  private final double threshold;
  private final int minimumCalls;

  RateDetector(double threshold, int minimumCalls) {
    this.threshold = threshold;
    this.minimumCalls = minimumCalls;
  }

  boolean tripped(int matching, int calls) {
    return matching > 0 && calls >= minimumCalls && (double) matching / calls >= threshold;
  }

  /** E.g. {@code failure_rate 0.62>=0.50}; the name is passed in so that no breaker keeps a copy. */
  String reason(String name, int matching, int calls) {
    return String.format(Locale.ROOT, "%s %.2f>=%.2f", name, (double) matching / calls, threshold);
  }
}
