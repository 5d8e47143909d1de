package io.fusebox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit against a simulated dependency of a few slots and a FIFO queue (every call
 * beyond the slots waits for one), in simulated time: callers always have more calls than the limit
 * admits, which is sustained overload, where an estimator that learns its no-load latency from
 * queued samples drifts up.
 */
class AdaptiveLimitTest {

  private static final long MS = 1_000_000L;
  private static final long SERVICE = 25 * MS;
  private static final long PROBE_INTERVAL = 10_000 * MS;

  @ParameterizedTest
  @ValueSource(ints = {8, 16, 64, 200})
  void staysNearTheDependencysCapacityForTenMinutesOfOverload(int slots) {
    Simulation sim = new Simulation(slots, 20);
    sim.runUntil(10_000 * MS);
    int[] range = sim.estimateRangeUntil(600_000 * MS);
    assertThat(range[0]).as("lowest limit over ten minutes, capacity " + slots).isGreaterThanOrEqualTo((int) (slots * 0.85));
    // a limit moves by whole calls: at 8 slots one call is 12.5%
    assertThat(range[1]).as("highest limit over ten minutes, capacity " + slots).isLessThanOrEqualTo((int) Math.ceil(slots * 1.15) + 1);
  }

  @Test
  void followsADependencyThatLosesHalfItsSlots() {
    Simulation sim = new Simulation(32, 20);
    sim.runUntil(20_000 * MS);
    assertThat(sim.limit.estimate()).isBetween(30, 38);
    sim.slots(16);
    sim.runUntil(22_000 * MS);
    assertThat(sim.limit.estimate()).as("two seconds after the loss").isBetween(14, 20);
  }

  @Test
  void aLimitNobodyFillsDoesNotGrow() {
    AdaptiveLimit limit = new AdaptiveLimit(20, 2, 500, PROBE_INTERVAL, 0);
    long now = 0;
    for (int i = 0; i < 10_000; i++) {
      now += MS;
      limit.started(3);
      limit.sample(now - SERVICE, SERVICE, now);
    }
    assertThat(limit.estimate()).as("three calls in flight never use a limit of 20").isEqualTo(20);
  }

  @Test
  void halvesWhileProbingAndLearnsTheNoLoadRoundTripFromCallsStartedSince() {
    Simulation sim = new Simulation(16, 20);
    boolean[] sawProbe = {false};
    sim.onEvent = () -> {
      if (sim.limit.probing()) {
        sawProbe[0] = true;
        assertThat(sim.limit.limit()).isLessThanOrEqualTo(Math.max(2, sim.limit.estimate() / 2));
      }
    };
    sim.runUntil(30_000 * MS);
    assertThat(sawProbe[0]).isTrue();
    assertThat(sim.limit.noLoadNanos()).as("the service time, not a queued round trip").isBetween(22 * MS, 28 * MS);
  }

  @Test
  void aReloadWithTheSameBoundsKeepsTheLimit() {
    AdaptiveLimit limit = new AdaptiveLimit(20, 2, 100, PROBE_INTERVAL, 0);
    assertThat(limit.hasBounds(2, 100, PROBE_INTERVAL)).isTrue();
    assertThat(limit.hasBounds(2, 200, PROBE_INTERVAL)).isFalse();
    assertThat(limit.hasBounds(1, 100, PROBE_INTERVAL)).isFalse();
    assertThat(limit.hasBounds(2, 100, 2 * PROBE_INTERVAL)).isFalse();
    assertThat(limit.recentNanos()).as("nothing judged yet").isZero();
  }

  @Test
  void refusesBoundsThatCross() {
    assertThatThrownBy(() -> new AdaptiveLimit(5, 10, 100, PROBE_INTERVAL, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min_limit <= initial_limit");
  }

  /** Callers that always have another call; a dependency of a few slots that serves in arrival order. */
  private static final class Simulation {
    final AdaptiveLimit limit;
    private final Random random = new Random(42);
    /** When each slot is next free. */
    private PriorityQueue<Long> slotsFreeAt = new PriorityQueue<>();
    /** Calls in flight: {end, start}. */
    private final PriorityQueue<long[]> inFlight = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private long now;
    Runnable onEvent = () -> { };

    Simulation(int slots, int initialLimit) {
      limit = new AdaptiveLimit(initialLimit, 2, 1000, PROBE_INTERVAL, 0);
      slots(slots);
      fill();
    }

    void slots(int slots) {
      PriorityQueue<Long> next = new PriorityQueue<>();
      for (int i = 0; i < slots; i++) {
        next.add(slotsFreeAt.isEmpty() ? now : Math.max(now, slotsFreeAt.peek()));
      }
      slotsFreeAt = next;
    }

    void runUntil(long until) {
      while (now < until) {
        long[] call = inFlight.poll();
        now = call[0];
        limit.sample(call[1], call[0] - call[1], now);
        onEvent.run();
        fill();
      }
    }

    /** The lowest and highest estimate seen until then. */
    int[] estimateRangeUntil(long until) {
      int[] range = {Integer.MAX_VALUE, Integer.MIN_VALUE};
      onEvent = () -> {
        range[0] = Math.min(range[0], limit.estimate());
        range[1] = Math.max(range[1], limit.estimate());
      };
      runUntil(until);
      return range;
    }

    private void fill() {
      while (inFlight.size() < limit.limit()) {
        long begins = Math.max(now, slotsFreeAt.poll());
        long service = SERVICE + (long) ((random.nextDouble() - 0.5) * 0.2 * SERVICE);
        slotsFreeAt.add(begins + service);
        inFlight.add(new long[] {begins + service, now});
        limit.started(inFlight.size());
      }
    }
  }
}
