package io.fusebox.core;

import java.util.Arrays;

/**
 * The outcomes of the last {@code seconds} seconds in one bucket per second, with running totals.
 * A bucket is emptied when the clock moves past it, however long the clock jumped, so a window that
 * saw no calls for a while holds nothing stale.
 */
final class TimeWindow implements OutcomeWindow {

  private static final long SECOND = 1_000_000_000L;

  private final Clock clock;
  private final int[] calls;
  private final int[] failures;
  private final int[] slowCalls;
  private int head;
  /** When the head bucket's second ends, on the clock's nanosecond scale. */
  private long headEndNanos;
  private int totalCalls;
  private int totalFailures;
  private int totalSlow;

  TimeWindow(Clock clock, int seconds) {
    this.clock = clock;
    calls = new int[seconds];
    failures = new int[seconds];
    slowCalls = new int[seconds];
    headEndNanos = clock.nanos() + SECOND;
  }

  @Override
  public void record(boolean failure, boolean slow) {
    refresh();
    calls[head]++;
    totalCalls++;
    if (failure) {
      failures[head]++;
      totalFailures++;
    }
    if (slow) {
      slowCalls[head]++;
      totalSlow++;
    }
  }

  @Override
  public void refresh() {
    long now = clock.nanos();
    if (now < headEndNanos) {
      return;
    }
    long elapsedBuckets = (now - headEndNanos) / SECOND + 1;
    int steps = (int) Math.min(elapsedBuckets, calls.length);
    for (int i = 0; i < steps; i++) {
      head = head + 1 == calls.length ? 0 : head + 1;
      totalCalls -= calls[head];
      totalFailures -= failures[head];
      totalSlow -= slowCalls[head];
      calls[head] = 0;
      failures[head] = 0;
      slowCalls[head] = 0;
    }
    headEndNanos += elapsedBuckets * SECOND;
  }

  @Override
  public int calls() {
    return totalCalls;
  }

  @Override
  public int failures() {
    return totalFailures;
  }

  @Override
  public int slowCalls() {
    return totalSlow;
  }

  @Override
  public void clear() {
    Arrays.fill(calls, 0);
    Arrays.fill(failures, 0);
    Arrays.fill(slowCalls, 0);
    totalCalls = 0;
    totalFailures = 0;
    totalSlow = 0;
  }
}
