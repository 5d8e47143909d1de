package io.fusebox.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock that a daemon thread refreshes about once a millisecond, so that reading it is one
 * volatile load instead of a system call.
 *
 * <p>Why: an open breaker must check its open timeout on every rejection, and the system clock
 * costs more than the whole rest of that path. A millisecond of error is far below any open
 * timeout or window bucket a breaker uses. One instance serves the whole JVM; the platform uses
 * {@link #shared()}.
 */
public final class CoarseClock implements Clock {

  /** How often the refresher thread reads the system clocks, in nanoseconds. */
  public static final long DEFAULT_RESOLUTION_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final class Holder {
    static final CoarseClock SHARED = new CoarseClock(DEFAULT_RESOLUTION_NANOS);
  }

  private volatile long nanos;
  private volatile long epochMillis;

  private CoarseClock(long resolutionNanos) {
    refresh();
    Thread refresher = new Thread(() -> {
      while (true) {
        LockSupport.parkNanos(resolutionNanos);
        refresh();
      }
    }, "fusebox-coarse-clock");
    refresher.setDaemon(true);
    refresher.start();
  }

  /** The JVM-wide instance, started on first use. */
  public static CoarseClock shared() {
    return Holder.SHARED;
  }

  private void refresh() {
    nanos = System.nanoTime();
    epochMillis = System.currentTimeMillis();
  }

  @Override
  public long nanos() {
    return nanos;
  }

  @Override
  public long epochMillis() {
    return epochMillis;
  }
}
