package io.fusebox.core;

/**
 * The last {@code size} outcomes, one byte each in a ring, with running totals, so that recording
 * costs the same at any size and nothing is allocated after construction.
 */
final class CountWindow implements OutcomeWindow {

  private static final byte FAILURE = 1;
  private static final byte SLOW = 2;

  private final byte[] outcomes;
  private int next;
  private int calls;
  private int failures;
  private int slowCalls;

  CountWindow(int size) {
    outcomes = new byte[size];
  }

  @Override
  public void record(boolean failure, boolean slow) {
    if (calls == outcomes.length) {
      byte evicted = outcomes[next];
      failures -= evicted & FAILURE;
      slowCalls -= (evicted & SLOW) >> 1;
    } else {
      calls++;
    }
    byte outcome = (byte) ((failure ? FAILURE : 0) | (slow ? SLOW : 0));
    outcomes[next] = outcome;
    failures += outcome & FAILURE;
    slowCalls += (outcome & SLOW) >> 1;
    if (++next == outcomes.length) {
      next = 0;
    }
  }

  @Override
  public int calls() {
    return calls;
  }

  @Override
  public int failures() {
    return failures;
  }

  @Override
  public int slowCalls() {
    return slowCalls;
  }

  @Override
  public void refresh() {
  }

  /** Outcome by outcome, oldest first; into a time window, all land in its current bucket. */
  @Override
  public void replayInto(OutcomeWindow target) {
    int oldest = calls == outcomes.length ? next : 0;
    for (int i = 0; i < calls; i++) {
      byte outcome = outcomes[(oldest + i) % outcomes.length];
      target.record((outcome & FAILURE) != 0, (outcome & SLOW) != 0);
    }
  }

  @Override
  public void clear() {
    next = 0;
    calls = 0;
    failures = 0;
    slowCalls = 0;
  }
}
