package io.fusebox.core;

/**
 * Two counts over the last few seconds, in one-second buckets: first attempts and retries for a
 * {@link RetryBudget}, calls asked and calls answered well for a {@link Throttle}. A bucket leaves
 * the sums when its second leaves the window. Owned by one thread, which passes the time.
 */
final class CountsBySecond {

  private final int seconds;
  private final long[] first;
  private final long[] second;
  private long firstSum;
  private long secondSum;
  private long currentSecond;

  CountsBySecond(int seconds, long now) {
    this.seconds = seconds;
    this.first = new long[seconds];
    this.second = new long[seconds];
    this.currentSecond = now / 1_000_000_000L;
  }

  void addFirst(long now) {
    first[rotate(now)]++;
    firstSum++;
  }

  void addSecond(long now) {
    second[rotate(now)]++;
    secondSum++;
  }

  long first(long now) {
    rotate(now);
    return firstSum;
  }

  long second(long now) {
    rotate(now);
    return secondSum;
  }

  /** Forgets the seconds that left the window; the bucket of the current second. */
  private int rotate(long now) {
    long nowSecond = now / 1_000_000_000L;
    long gap = Math.min(nowSecond - currentSecond, seconds);
    for (long i = 1; i <= gap; i++) {
      int at = (int) Math.floorMod(currentSecond + i, (long) seconds);
      firstSum -= first[at];
      secondSum -= second[at];
      first[at] = 0;
      second[at] = 0;
    }
    if (nowSecond > currentSecond) {
      currentSecond = nowSecond;
    }
    return (int) Math.floorMod(currentSecond, (long) seconds);
  }
}
