package io.fusebox.core;

/**
 * The breaker's only source of time, injected so that tests can drive it by hand.
 *
 * <p>{@link #nanos()} measures intervals (open timeouts, window buckets, probe leases);
 * {@link #epochMillis()} stamps transitions for people and other nodes.
 */
public interface Clock {

  /** A monotonic reading in nanoseconds, comparable only with other readings of this clock. */
  long nanos();

  /** Wall-clock time in milliseconds since the epoch. */
  long epochMillis();

  /**
   * Reads the system clocks on every call. Exact, but each read costs about 25 ns on a
   * virtualised machine; see {@link CoarseClock} for the hot path.
   */
  Clock SYSTEM = new Clock() {
    @Override
    public long nanos() {
      return System.nanoTime();
    }

    @Override
    public long epochMillis() {
      return System.currentTimeMillis();
    }
  };
}
