package io.fusebox.core;

import java.time.Duration;

/** A clock that moves only when the test says so. */
final class ManualClock implements Clock {

  private long nanos = 5_000_000_000_000L;
  private long epochMillis = 1_790_000_000_000L;

  @Override
  public long nanos() {
    return nanos;
  }

  @Override
  public long epochMillis() {
    return epochMillis;
  }

  void advance(Duration d) {
    advanceNanos(d.toNanos());
  }

  void advanceNanos(long delta) {
    nanos += delta;
    epochMillis += delta / 1_000_000;
  }
}
