package io.fusebox.core;

import java.util.Arrays;

/**
 * The outcomes of the last {@code buckets} time buckets (one second each for a breaker, coarser for
 * a keyed family's keys), with running totals. A bucket is emptied when the clock moves past it,
 * however long the clock jumped, so a window that saw no calls for a while holds nothing stale.
 *
 * <p>The buckets' counts sit in one array, three ints a bucket (calls, failures, slow calls): one
 * array header instead of three, which is a tenth of a key's breaker. (One {@code long} a bucket,
 * three counts packed in it, was smaller still but cost the record path over a nanosecond.)
 */
final class TimeWindow implements OutcomeWindow {

  private static final long SECOND = 1_000_000_000L;
  private static final int CALLS = 0;
  private static final int FAILURES = 1;
  private static final int SLOW = 2;
  private static final int COUNTS = 3;

  private final Clock clock;
  private final int bucketSeconds;
  /** Bucket {@code i}'s calls, failures and slow calls at {@code 3i}, {@code 3i + 1}, {@code 3i + 2}. */
  private final int[] counts;
  /** The index in {@link #counts} of the head bucket's calls. */
  private int head;
  /** When the head bucket ends, on the clock's nanosecond scale. */
  private long headEndNanos;
  private int totalCalls;
  private int totalFailures;
  private int totalSlow;

  TimeWindow(Clock clock, int buckets, int bucketSeconds) {
    this.clock = clock;
    this.bucketSeconds = bucketSeconds;
    this.counts = new int[buckets * COUNTS];
    headEndNanos = clock.nanos() + bucketSeconds * SECOND;
  }

  @Override
  public void record(boolean failure, boolean slow) {
    refresh();
    counts[head + CALLS]++;
    totalCalls++;
    if (failure) {
      counts[head + FAILURES]++;
      totalFailures++;
    }
    if (slow) {
      counts[head + SLOW]++;
      totalSlow++;
    }
  }

  @Override
  public void refresh() {
    long now = clock.nanos();
    if (now < headEndNanos) {
      return;
    }
    long bucketNanos = bucketSeconds * SECOND;
    long elapsedBuckets = (now - headEndNanos) / bucketNanos + 1;
    int steps = (int) Math.min(elapsedBuckets, counts.length / COUNTS);
    for (int i = 0; i < steps; i++) {
      head += COUNTS;
      if (head == counts.length) {
        head = 0;
      }
      totalCalls -= counts[head + CALLS];
      totalFailures -= counts[head + FAILURES];
      totalSlow -= counts[head + SLOW];
      counts[head + CALLS] = 0;
      counts[head + FAILURES] = 0;
      counts[head + SLOW] = 0;
    }
    headEndNanos += elapsedBuckets * bucketNanos;
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

  /**
   * Into a time window, each bucket goes to the target's bucket of the same age (to within a
   * bucket), and buckets older than the target's span are dropped; into a count window, bucket by
   * bucket, oldest first, each bucket's outcomes spread evenly.
   */
  @Override
  public void replayInto(OutcomeWindow target) {
    refresh();
    int buckets = counts.length / COUNTS;
    for (int age = buckets - 1; age >= 0; age--) {
      int at = Math.floorMod(head - age * COUNTS, counts.length);
      int calls = counts[at + CALLS];
      if (calls == 0) {
        continue;
      }
      if (target instanceof TimeWindow time) {
        time.add((long) age * bucketSeconds, calls, counts[at + FAILURES], counts[at + SLOW]);
      } else {
        OutcomeWindow.replayCounts(target, calls, counts[at + FAILURES], counts[at + SLOW]);
      }
    }
  }

  /** Adds counts to the bucket that holds outcomes {@code ageSeconds} old, if the window reaches that far. */
  private void add(long ageSeconds, int calls, int failures, int slow) {
    refresh();
    long age = ageSeconds / bucketSeconds;
    if (age >= counts.length / COUNTS) {
      return;
    }
    int at = Math.floorMod(head - (int) age * COUNTS, counts.length);
    counts[at + CALLS] += calls;
    counts[at + FAILURES] += failures;
    counts[at + SLOW] += slow;
    totalCalls += calls;
    totalFailures += failures;
    totalSlow += slow;
  }

  @Override
  public void clear() {
    Arrays.fill(counts, 0);
    totalCalls = 0;
    totalFailures = 0;
    totalSlow = 0;
  }
}
