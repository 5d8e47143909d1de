package io.fusebox.testkit;

import java.time.Duration;

/**
 * When goodput came back after a dependency recovered: successes counted in 250 ms buckets from the
 * recovery, and the start of the first bucket from which four in a row each hold 95% of what was sent
 * in one. Shared by the retry-storm drivers, in one process and across clustered nodes. Owned by one
 * thread.
 */
public final class Recovery {

  public static final long BUCKET_NANOS = 250_000_000L;
  private static final int IN_A_ROW = 4;

  private final long up;
  private final long[] successes;

  /** Buckets from {@code up} (a {@link System#nanoTime()}) for {@code watched}. */
  public Recovery(long up, Duration watched) {
    this.up = up;
    this.successes = new long[(int) (watched.toNanos() / BUCKET_NANOS) + 1];
  }

  /** A success answered at {@code at}; one before the recovery or after the watch counts for nothing. */
  public void success(long at) {
    if (at >= up) {
      add((int) ((at - up) / BUCKET_NANOS), 1);
    }
  }

  /** {@code count} successes in the {@code bucket}th 250 ms after the recovery. */
  public void add(int bucket, long count) {
    if (bucket < successes.length) {
      successes[bucket] += count;
    }
  }

  /** The buckets watched. */
  public int buckets() {
    return successes.length;
  }

  /** Milliseconds from the recovery until goodput was back to 95% of {@code perSecond}; -1 if never. */
  public long millis(double perSecond) {
    double wanted = 0.95 * perSecond * BUCKET_NANOS / 1e9;
    int inARow = 0;
    for (int i = 0; i < successes.length; i++) {
      inARow = successes[i] >= wanted ? inARow + 1 : 0;
      if (inARow == IN_A_ROW) {
        return (i - IN_A_ROW + 1) * BUCKET_NANOS / 1_000_000;
      }
    }
    return -1;
  }
}
