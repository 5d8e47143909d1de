package io.fusebox.core;

/**
 * The probe permits of a half-open breaker and the leases that bound them.
 *
 * <p>Every probe gets the same lease length, so deadlines are handed out in increasing order and
 * a ring of them is enough: a finished probe returns the oldest lease, and the oldest deadline is
 * the only one that can have passed. A probe whose lease passes counts as failed, so a breaker
 * whose probes hang cannot stay half-open.
 */
final class HalfOpenProbes {

  private final long[] deadlines;
  private int oldest;
  private int inFlight;
  private int successes;

  HalfOpenProbes(int permits) {
    deadlines = new long[permits];
  }

  boolean tryAcquire(long deadlineNanos) {
    if (inFlight == deadlines.length) {
      return false;
    }
    int slot = oldest + inFlight;
    deadlines[slot >= deadlines.length ? slot - deadlines.length : slot] = deadlineNanos;
    inFlight++;
    return true;
  }

  /** Gives back a permit, whatever the probe's outcome. */
  void release() {
    if (inFlight > 0) {
      oldest = oldest + 1 == deadlines.length ? 0 : oldest + 1;
      inFlight--;
    }
  }

  /** Counts a successful probe and returns the successes so far. */
  int succeeded() {
    return ++successes;
  }

  boolean leaseExpired(long nowNanos) {
    return inFlight > 0 && deadlines[oldest] <= nowNanos;
  }

  int inFlight() {
    return inFlight;
  }

  void clear() {
    oldest = 0;
    inFlight = 0;
    successes = 0;
  }
}
