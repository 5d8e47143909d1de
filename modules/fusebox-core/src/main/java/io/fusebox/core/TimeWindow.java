package io.fusebox.core;

import java.util.Arrays;

/**
 * The outcomes of the last {@code buckets} time buckets (one second each for a breaker, coarser for
 * a keyed family's keys), with running totals. A bucket is emptied when the clock moves past it,
 * however long the clock jumped, so a window that saw no calls for a while holds nothing stale.
 *
 * <p>A bucket is one {@code long}: its calls, failures and slow calls in 21 bits each (a third of
 * the three {@code int} arrays it replaced). Failures and slow calls never outnumber calls, so only
 * the calls can fill their field: a bucket that reaches 2,097,151 calls has all three counts halved,
 * which keeps its rates and goes on counting.
 */
final class TimeWindow implements OutcomeWindow {

  private static final int BITS = 21;
  private static final long FIELD = (1L << BITS) - 1;
  private static final long ONE_CALL = 1L;
  private static final long ONE_FAILURE = 1L << BITS;
  private static final long ONE_SLOW = 1L << (2 * BITS);

  private final Clock clock;
  private final long bucketNanos;
  private final long[] buckets;
  private int head;
  /** When the head bucket ends, on the clock's nanosecond scale. */
  private long headEndNanos;
  private int totalCalls;
  private int totalFailures;
  private int totalSlow;

  TimeWindow(Clock clock, int buckets, long bucketNanos) {
    this.clock = clock;
    this.bucketNanos = bucketNanos;
    this.buckets = new long[buckets];
    headEndNanos = clock.nanos() + bucketNanos;
  }

  @Override
  public void record(boolean failure, boolean slow) {
    refresh();
    if ((buckets[head] & FIELD) == FIELD) {
      halveHead();
    }
    buckets[head] += ONE_CALL | (failure ? ONE_FAILURE : 0) | (slow ? ONE_SLOW : 0);
    totalCalls++;
    if (failure) {
      totalFailures++;
    }
    if (slow) {
      totalSlow++;
    }
  }

  private void halveHead() {
    long bucket = buckets[head];
    drop(bucket);
    long halved = (long) (calls(bucket) >> 1) | (long) (failures(bucket) >> 1) << BITS
        | (long) (slowCalls(bucket) >> 1) << (2 * BITS);
    buckets[head] = halved;
    totalCalls += calls(halved);
    totalFailures += failures(halved);
    totalSlow += slowCalls(halved);
  }

  @Override
  public void refresh() {
    long now = clock.nanos();
    if (now < headEndNanos) {
      return;
    }
    long elapsedBuckets = (now - headEndNanos) / bucketNanos + 1;
    int steps = (int) Math.min(elapsedBuckets, buckets.length);
    for (int i = 0; i < steps; i++) {
      head = head + 1 == buckets.length ? 0 : head + 1;
      drop(buckets[head]);
      buckets[head] = 0;
    }
    headEndNanos += elapsedBuckets * bucketNanos;
  }

  private void drop(long bucket) {
    totalCalls -= calls(bucket);
    totalFailures -= failures(bucket);
    totalSlow -= slowCalls(bucket);
  }

  private static int calls(long bucket) {
    return (int) (bucket & FIELD);
  }

  private static int failures(long bucket) {
    return (int) ((bucket >>> BITS) & FIELD);
  }

  private static int slowCalls(long bucket) {
    return (int) ((bucket >>> (2 * BITS)) & FIELD);
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
    Arrays.fill(buckets, 0);
    totalCalls = 0;
    totalFailures = 0;
    totalSlow = 0;
  }
}
