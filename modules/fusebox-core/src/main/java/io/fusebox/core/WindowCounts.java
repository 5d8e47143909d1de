package io.fusebox.core;

/**
 * What a breaker's window held at one moment: the evidence behind a trip.
 *
 * @param calls outcomes in the window
 * @param failures failed ones (timeouts included)
 * @param slowCalls slow ones, whatever their outcome
 */
public record WindowCounts(int calls, int failures, int slowCalls) {

  /** An empty window. */
  public static final WindowCounts EMPTY = new WindowCounts(0, 0, 0);

  /** Failed share of the calls; 0 when the window is empty. */
  public double failureRate() {
    return calls == 0 ? 0.0 : (double) failures / calls;
  }

  /** Slow share of the calls; 0 when the window is empty. */
  public double slowCallRate() {
    return calls == 0 ? 0.0 : (double) slowCalls / calls;
  }
}
