package io.fusebox.core;

/**
 * The recent outcomes that the rate detectors judge: how many calls, how many failed, how many were
 * slow. Ignored outcomes never enter it.
 */
interface OutcomeWindow {

  void record(boolean failure, boolean slow);

  int calls();

  int failures();

  int slowCalls();

  /** Brings the window up to date with the clock; a no-op for windows that do not age. */
  void refresh();

  void clear();

  /**
   * Records what this window holds into {@code target}, a fresh window of another shape or size,
   * oldest first, so that a target smaller than this keeps the most recent outcomes.
   */
  void replayInto(OutcomeWindow target);

  /**
   * Records {@code calls} outcomes of which {@code failures} failed and {@code slow} were slow,
   * spread evenly, for a window whose outcomes are known only as counts: whatever part of them a
   * smaller target keeps has the same rates.
   */
  static void replayCounts(OutcomeWindow target, int calls, int failures, int slow) {
    for (long i = 0; i < calls; i++) {
      boolean failure = (i + 1) * failures / calls > i * failures / calls;
      boolean slowCall = (i + 1) * slow / calls > i * slow / calls;
      target.record(failure, slowCall);
    }
  }
}
