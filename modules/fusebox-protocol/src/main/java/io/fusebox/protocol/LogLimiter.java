package io.fusebox.protocol;

/**
 * Lets at most one log line through per interval and counts the ones it held back, so that a
 * flood of a client's mistakes cannot flood the log. Used from one event loop.
 */
public final class LogLimiter {

  private final long intervalNanos;
  private long nextAllowedNanos = Long.MIN_VALUE;
  private long suppressed;

  public LogLimiter(long intervalMillis) {
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  /**
   * Whether a line may be logged now; if so, {@link #suppressed()} tells how many were held back
   * since the last one.
   */
  public boolean tryAcquire() {
    long now = System.nanoTime();
    if (nextAllowedNanos != Long.MIN_VALUE && now < nextAllowedNanos) {
      suppressed++;
      return false;
    }
    nextAllowedNanos = now + intervalNanos;
    return true;
  }

  /** Lines held back since the last one let through, then starts counting again. */
  public long suppressed() {
    long held = suppressed;
    suppressed = 0;
    return held;
  }
}
