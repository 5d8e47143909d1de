package io.fusebox.core;

/**
 * How many retries a breaker may make: at most {@code ratio} of the first attempts of the last
 * {@value #WINDOW_SECONDS} seconds, plus {@code minPerSecond} a second, so that a failing
 * dependency sees at most {@code 1 + ratio} times its callers' load instead of
 * {@code max_attempts} times (a retry storm). Counted in one-second buckets; owned by one thread
 * (a breaker's event loop), which passes the time.
 */
public final class RetryBudget {

  /** The seconds of first attempts and retries the budget weighs. */
  public static final int WINDOW_SECONDS = 10;

  private final double ratio;
  private final double minPerSecond;
  private final long[] firsts = new long[WINDOW_SECONDS];
  private final long[] retries = new long[WINDOW_SECONDS];
  private long firstSum;
  private long retrySum;
  private long currentSecond;
  private long exhausted;

  public RetryBudget(double ratio, double minPerSecond, long now) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.currentSecond = now / 1_000_000_000L;
  }

  /** A call's first attempt, which earns the budget {@code ratio} of a retry. */
  public void firstAttempt(long now) {
    int at = rotate(now);
    firsts[at]++;
    firstSum++;
  }

  /** Takes one retry from the budget; false, and counted as exhausted, when it is spent. */
  public boolean tryRetry(long now) {
    int at = rotate(now);
    if (retrySum + 1 > ratio * firstSum + minPerSecond * WINDOW_SECONDS) {
      exhausted++;
      return false;
    }
    retries[at]++;
    retrySum++;
    return true;
  }

  /** Retries the budget would allow now. */
  public long left(long now) {
    rotate(now);
    return Math.max(0, (long) (ratio * firstSum + minPerSecond * WINDOW_SECONDS) - retrySum);
  }

  /**
   * Milliseconds until a retry is likely allowed again: the floor earns one every
   * {@code 1 / minPerSecond} seconds, and the oldest second's retries leave the window within a second.
   */
  public long retryAfterMillis() {
    return minPerSecond > 0 ? Math.min(1000, (long) Math.ceil(1000 / minPerSecond)) : 1000;
  }

  /** Retries refused for want of budget since the start. */
  public long exhausted() {
    return exhausted;
  }

  /** Retries in the window. */
  public long retries() {
    return retrySum;
  }

  private int rotate(long now) {
    long second = now / 1_000_000_000L;
    long gap = Math.min(second - currentSecond, WINDOW_SECONDS);
    for (long i = 1; i <= gap; i++) {
      int at = (int) Math.floorMod(currentSecond + i, (long) WINDOW_SECONDS);
      firstSum -= firsts[at];
      retrySum -= retries[at];
      firsts[at] = 0;
      retries[at] = 0;
    }
    if (second > currentSecond) {
      currentSecond = second;
    }
    return (int) Math.floorMod(currentSecond, (long) WINDOW_SECONDS);
  }
}
