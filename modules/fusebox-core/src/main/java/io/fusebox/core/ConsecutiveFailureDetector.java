package io.fusebox.core;

/** Trips after {@code threshold} failures in a row; any success starts the count again. */
final class ConsecutiveFailureDetector {

  private final int threshold;
  private int run;

  ConsecutiveFailureDetector(int threshold) {
    this.threshold = threshold;
  }

  void onSuccess() {
    run = 0;
  }

  /** Counts a failure and says whether the run has reached the threshold. */
  boolean onFailure() {
    return ++run >= threshold;
  }

  String reason() {
    return "consecutive_failures " + run + ">=" + threshold;
  }

  void reset() {
    run = 0;
  }
}
