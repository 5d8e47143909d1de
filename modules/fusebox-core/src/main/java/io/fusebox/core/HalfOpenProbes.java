package io.fusebox.core;

import java.util.Arrays;

/**
 * The probe permits of a half-open breaker, one slot per permit, each with the lease of the probe
 * that holds it.
 *
 * <p>A probe keeps its own slot until its own outcome: leases are not handed back in admission
 * order, because probes finish in any order and a hung old probe must not inherit the later deadline
 * of a young one that finished first. A probe whose lease passes counts as failed, so a breaker
 * whose probes hang cannot stay half-open.
 *
 * <p>Slots are numbered from 1 so that a permit's slot 0 can mean "not a probe".
 */
final class HalfOpenProbes {

  /** The most permits a breaker may have; bounds the scan of the leases. */
  static final int MAX_PERMITS = 1000;
  /** A free slot's deadline: one that never passes. */
  private static final long FREE = Long.MAX_VALUE;

  private final long[] deadlines;
  private int inFlight;
  private int successes;

  HalfOpenProbes(int permits) {
    deadlines = new long[permits];
    Arrays.fill(deadlines, FREE);
  }

  int permits() {
    return deadlines.length;
  }

  /** Takes a free slot whose lease ends at {@code deadlineNanos}; 0 when every slot is taken. */
  int tryAcquire(long deadlineNanos) {
    if (inFlight == deadlines.length) {
      return 0;
    }
    for (int i = 0; i < deadlines.length; i++) {
      if (deadlines[i] == FREE) {
        deadlines[i] = deadlineNanos;
        inFlight++;
        return i + 1;
      }
    }
    throw new IllegalStateException("no free probe slot although " + inFlight + " of " + deadlines.length + " are taken");
  }

  /** Gives back the slot of one probe, whatever its outcome; a slot already free stays free. */
  void release(int slot) {
    if (slot >= 1 && slot <= deadlines.length && deadlines[slot - 1] != FREE) {
      deadlines[slot - 1] = FREE;
      inFlight--;
    }
  }

  /** Counts a successful probe and returns the successes so far. */
  int succeeded() {
    return ++successes;
  }

  /** Whether any probe still holding its slot has a lease that passed by {@code nowNanos}. */
  boolean leaseExpired(long nowNanos) {
    if (inFlight == 0) {
      return false;
    }
    for (long deadline : deadlines) {
      if (deadline <= nowNanos) {
        return true;
      }
    }
    return false;
  }

  int inFlight() {
    return inFlight;
  }

  void clear() {
    Arrays.fill(deadlines, FREE);
    inFlight = 0;
    successes = 0;
  }
}
