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
}
