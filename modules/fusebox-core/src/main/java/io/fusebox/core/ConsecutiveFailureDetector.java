package io.fusebox.core;

/**
 * Trips after a run of failures in a row; any success starts the count again.
 *
 * <p>Noise-aware (the default): a run only trips once it is also longer than the failure rate the
 * window has seen would produce by chance. At 2% errors and 1,000 calls/s, three failures in a row
 * happen every few minutes, so a fixed threshold of 3 trips a healthy dependency; here the run must
 * reach the length whose chance of appearing anywhere in the window is under {@link #CHANCE}, given
 * the rate of the window's other calls, and never less than {@code threshold} nor more than
 * {@link #MAX_RAISE} times it (beyond that the failure-rate rule speaks). A dependency that failed
 * nothing before the run trips at {@code threshold}, as the classic rule does.
 */
final class ConsecutiveFailureDetector {

  /** The accepted chance that noise alone makes the needed run somewhere in one window. */
  static final double CHANCE = 1e-5;
  static final int MAX_RAISE = 4;

  private final int threshold;
  private final boolean noiseAware;
  private int run;
  private int needed;

  ConsecutiveFailureDetector(int threshold, boolean noiseAware) {
    this.threshold = threshold;
    this.noiseAware = noiseAware;
    this.needed = threshold;
  }

  void onSuccess() {
    run = 0;
  }

  /**
   * Counts a failure and says whether the run trips, judged against the window the run is part of.
   * The noise judgement runs only once the run reaches {@code threshold}, so the path of a success or
   * of a short run costs nothing more.
   */
  boolean onFailure(int windowCalls, int windowFailures) {
    if (++run < threshold) {
      return false;
    }
    needed = noiseAware ? neededRun(windowCalls, windowFailures) : threshold;
    return run >= needed;
  }

  private int neededRun(int windowCalls, int windowFailures) {
    int otherCalls = windowCalls - run;
    int otherFailures = windowFailures - run;
    if (otherFailures <= 0 || otherCalls <= 0) {
      return threshold;
    }
    double noise = (double) otherFailures / otherCalls;
    if (noise >= 1.0) {
      return threshold * MAX_RAISE;
    }
    double length = Math.ceil(Math.log(CHANCE / Math.max(windowCalls, 1)) / Math.log(noise));
    return (int) Math.max(threshold, Math.min(length, (double) threshold * MAX_RAISE));
  }

  String reason() {
    return needed == threshold
        ? "consecutive_failures " + run + ">=" + threshold
        : "consecutive_failures " + run + ">=" + needed + " (threshold " + threshold + ", raised over the window's noise)";
  }

  /** Takes over the run of failures that {@code previous} had counted, for a new threshold. */
  void continueRun(ConsecutiveFailureDetector previous) {
    run = previous.run;
  }

  void reset() {
    run = 0;
    needed = threshold;
  }
}
