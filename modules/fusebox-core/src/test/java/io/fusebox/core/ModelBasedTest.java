package io.fusebox.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs thousands of random call sequences against the breaker and against {@link Model}, a
 * deliberately naive re-statement of the rules (lists instead of rings, a map of leases instead of
 * slots, recomputation instead of running totals), and requires the same admissions, states,
 * transitions, window sizes and probes in flight at every step, for 1 to 4 probe permits.
 */
class ModelBasedTest {

  private static final int SEQUENCES = 3000;
  private static final int STEPS = 400;
  private static final long SECOND = 1_000_000_000L;

  @ParameterizedTest(name = "{0} probe permits")
  @ValueSource(ints = {1, 2, 3, 4})
  void breakerBehavesLikeTheReferenceModel(int permits) {
    for (long seed = 1; seed <= SEQUENCES; seed++) {
      runSequence(seed * 10 + permits, permits);
    }
  }

  private record Admitted(long permit, Model.Permit modelPermit) {
  }

  private void runSequence(long seed, int permits) {
    Random random = new Random(seed);
    BreakerConfig config = randomConfig(random, permits);
    ManualClock clock = new ManualClock();
    CircuitBreaker breaker = new CircuitBreaker("model", config, clock, seed);
    List<String> actual = new ArrayList<>();
    breaker.addListener(t -> actual.add(t.from().wireName() + "->" + t.to().wireName() + " " + t.reason()));
    Model model = new Model(config, clock);
    List<Admitted> outstanding = new ArrayList<>();
    List<String> steps = new ArrayList<>();

    for (int step = 0; step < STEPS; step++) {
      int roll = random.nextInt(100);
      String op;
      if (roll < 40) {
        long permit = breaker.tryAcquire();
        Model.Permit expected = model.tryAcquire();
        op = "acquire -> " + permit;
        check(seed, steps, op, (permit != CircuitBreaker.REJECTED) == (expected != null),
            "permit " + permit + " but model says " + expected);
        if (permit != CircuitBreaker.REJECTED) {
          outstanding.add(new Admitted(permit, expected));
        }
      } else if (roll < 78 && !outstanding.isEmpty()) {
        Admitted call = outstanding.remove(random.nextInt(outstanding.size()));
        long permit = call.permit();
        long slowThreshold = config.slowCalls().threshold().toNanos();
        long duration = switch (random.nextInt(8)) {
          case 0 -> slowThreshold;
          case 1 -> slowThreshold + 1;
          case 2 -> slowThreshold + random.nextInt(1000);
          default -> random.nextInt(1_000_000);
        };
        int outcome = random.nextInt(6);
        op = "outcome " + outcome + " of " + call.modelPermit() + " after " + duration + "ns";
        switch (outcome) {
          case 0, 1 -> {
            breaker.onSuccess(permit, duration);
            model.onSuccess(call.modelPermit(), duration);
          }
          case 2 -> {
            breaker.onFailure(permit, duration);
            model.onFailure(call.modelPermit(), duration);
          }
          case 3 -> {
            breaker.onTimeout(permit, duration);
            model.onFailure(call.modelPermit(), duration);
          }
          case 4 -> {
            breaker.onIgnored(permit);
            model.release(call.modelPermit());
          }
          default -> {
            breaker.release(permit);
            model.release(call.modelPermit());
          }
        }
      } else if (roll < 92) {
        long delta = random.nextInt(3) == 0 ? random.nextInt(4) * SECOND : random.nextInt(1500) * 1_000_000L;
        clock.advanceNanos(delta);
        op = "advance " + delta / 1_000_000 + "ms";
      } else if (roll < 97) {
        breaker.tick();
        model.tick();
        op = "tick";
      } else {
        int action = random.nextInt(4);
        op = "admin " + action;
        switch (action) {
          case 0 -> breaker.forceOpen();
          case 1 -> breaker.disable();
          case 2 -> breaker.close();
          default -> breaker.reset();
        }
        model.admin(action);
      }
      steps.add(op + " => " + breaker.state().wireName());
      check(seed, steps, op, breaker.state() == model.state,
          "state " + breaker.state() + " but model says " + model.state);
      check(seed, steps, op, actual.equals(model.transitions),
          "transitions " + actual + " but model says " + model.transitions);
      BreakerSnapshot snapshot = breaker.snapshot();
      check(seed, steps, op, snapshot.windowCalls() == model.window().size(),
          "window of " + snapshot.windowCalls() + " calls but model says " + model.window().size());
      int modelProbes = model.state == BreakerState.HALF_OPEN ? model.leases.size() : 0;
      check(seed, steps, op, snapshot.probesInFlight() == modelProbes,
          snapshot.probesInFlight() + " probes in flight but model says " + modelProbes);
    }
  }

  private static void check(long seed, List<String> steps, String op, boolean ok, String problem) {
    if (!ok) {
      int from = Math.max(0, steps.size() - 15);
      throw new AssertionError(String.format(Locale.ROOT, "seed %d, step %d (%s): %s%nlast steps:%n  %s",
          seed, steps.size(), op, problem, String.join("\n  ", steps.subList(from, steps.size()))));
    }
  }

  private static BreakerConfig randomConfig(Random r, int permits) {
    BreakerConfigBuilder b = BreakerConfig.builder()
        .consecutiveFailuresEnabled(r.nextBoolean())
        .failureRateEnabled(r.nextInt(4) != 0)
        .slowCallsEnabled(r.nextBoolean())
        .slowCallThreshold(Duration.ofMillis(100 + r.nextInt(900)))
        .slowCallRate(new double[] {0.3, 1.0 / 3, 0.5, 2.0 / 3, 1.0}[r.nextInt(5)])
        .callTimeout(Duration.ofMillis(500 + r.nextInt(2500)))
        .openTimeout(Duration.ofMillis(200 + r.nextInt(4000)))
        .backoffMultiplier(1.0 + r.nextInt(3))
        .maxOpenTimeout(Duration.ofSeconds(5 + r.nextInt(10)))
        .exponentialBackoff(r.nextBoolean())
        .permittedProbes(permits)
        .successThreshold(1 + r.nextInt(4))
        .strictMode(r.nextBoolean());
    // The model keeps the classic run rule; the noise-aware raise has its own tests (NoiseAwareRunTest).
    b.consecutiveFailures(1 + r.nextInt(6)).consecutiveFailuresEnabled(r.nextBoolean()).consecutiveFailuresNoiseAware(false);
    b.failureRate(new double[] {0.1, 0.2, 0.25, 1.0 / 3, 0.5, 2.0 / 3, 0.75, 1.0}[r.nextInt(8)]).failureRateEnabled(r.nextInt(4) != 0);
    if (r.nextBoolean()) {
      int size = 1 + r.nextInt(20);
      b.countWindow(size).minimumCalls(1 + r.nextInt(size));
    } else {
      b.timeWindow(Duration.ofSeconds(1 + r.nextInt(5))).minimumCalls(1 + r.nextInt(10));
    }
    return b.build();
  }

  /** The rules of DESIGN.md, stated as plainly as possible. */
  private static final class Model {
    private record Outcome(long bucket, boolean failure, boolean slow) {
    }

    /** A call the model admitted: its state period and, for a probe, its lease's id (0 otherwise). */
    record Permit(long epoch, int lease) {
    }

    final BreakerConfig config;
    final ManualClock clock;
    final long createdAt;
    final List<String> transitions = new ArrayList<>();
    final List<Outcome> outcomes = new ArrayList<>();
    /** Each probe's own lease: its deadline, by the probe's id. */
    final Map<Integer, Long> leases = new HashMap<>();
    BreakerState state = BreakerState.CLOSED;
    long epoch;
    /** Outcomes of calls admitted before the period of the last reset are not counted. */
    long countedFrom;
    int nextLease;
    int failureRun;
    int probeSuccesses;
    int level;
    long openUntil;

    Model(BreakerConfig config, ManualClock clock) {
      this.config = config;
      this.clock = clock;
      this.createdAt = clock.nanos();
    }

    Permit tryAcquire() {
      switch (state) {
        case CLOSED, DISABLED -> {
          return new Permit(epoch, 0);
        }
        case OPEN -> {
          if (clock.nanos() < openUntil) {
            return null;
          }
          moveTo(BreakerState.HALF_OPEN, "open_timeout_elapsed");
          return probe();
        }
        case HALF_OPEN -> {
          return probe();
        }
        default -> {
          return null;
        }
      }
    }

    private Permit probe() {
      if (aLeasePassed()) {
        reopen("probe_lease_expired");
        return null;
      }
      if (leases.size() < config.recovery().permittedProbes()) {
        leases.put(++nextLease, clock.nanos() + config.callTimeout().toNanos());
        return new Permit(epoch, nextLease);
      }
      return null;
    }

    private boolean aLeasePassed() {
      return leases.values().stream().anyMatch(deadline -> deadline <= clock.nanos());
    }

    private boolean isProbeNow(Permit p) {
      return p.epoch() == epoch && state == BreakerState.HALF_OPEN && p.lease() != 0;
    }

    private boolean slow(long duration) {
      return duration > config.slowCalls().threshold().toNanos();
    }

    void onSuccess(Permit p, long duration) {
      if (p.epoch() < countedFrom || p.epoch() != epoch) {
        return;
      }
      if (state == BreakerState.CLOSED) {
        outcomes.add(new Outcome(bucket(), false, slow(duration)));
        failureRun = 0;
        judgeRates();
      } else if (isProbeNow(p)) {
        if (aLeasePassed()) {
          reopen("probe_lease_expired");
          return;
        }
        leases.remove(p.lease());
        outcomes.add(new Outcome(bucket(), false, slow(duration)));
        if (config.recovery().strictMode() && slow(duration)) {
          reopen("probe_slow");
        } else if (++probeSuccesses >= config.recovery().successThreshold()) {
          moveTo(BreakerState.CLOSED, "probes_succeeded");
        }
      } else if (state == BreakerState.DISABLED) {
        outcomes.add(new Outcome(bucket(), false, slow(duration)));
      }
    }

    void onFailure(Permit p, long duration) {
      if (p.epoch() < countedFrom || p.epoch() != epoch) {
        return;
      }
      if (state == BreakerState.CLOSED) {
        outcomes.add(new Outcome(bucket(), true, slow(duration)));
        failureRun++;
        int threshold = config.consecutiveFailures().threshold();
        if (config.consecutiveFailures().enabled() && failureRun >= threshold) {
          moveTo(BreakerState.OPEN, "consecutive_failures " + failureRun + ">=" + threshold);
        } else {
          judgeRates();
        }
      } else if (isProbeNow(p)) {
        leases.remove(p.lease());
        outcomes.add(new Outcome(bucket(), true, slow(duration)));
        reopen("probe_failed");
      } else if (state == BreakerState.DISABLED) {
        outcomes.add(new Outcome(bucket(), true, slow(duration)));
      }
    }

    void release(Permit p) {
      if (isProbeNow(p)) {
        if (aLeasePassed()) {
          reopen("probe_lease_expired");
        } else {
          leases.remove(p.lease());
        }
      }
    }

    void tick() {
      if (state == BreakerState.OPEN && clock.nanos() >= openUntil) {
        moveTo(BreakerState.HALF_OPEN, "open_timeout_elapsed");
      } else if (state == BreakerState.HALF_OPEN && aLeasePassed()) {
        reopen("probe_lease_expired");
      }
    }

    void admin(int action) {
      switch (action) {
        case 0 -> moveTo(BreakerState.FORCED_OPEN, "admin:force_open");
        case 1 -> moveTo(BreakerState.DISABLED, "admin:disable");
        case 2 -> moveTo(BreakerState.CLOSED, "admin:close");
        default -> {
          level = 0;
          if (state == BreakerState.CLOSED) {
            epoch++;
            outcomes.clear();
            failureRun = 0;
          } else {
            moveTo(BreakerState.CLOSED, "admin:reset");
          }
          countedFrom = epoch;
        }
      }
    }

    private long bucket() {
      return (clock.nanos() - createdAt) / SECOND;
    }

    List<Outcome> window() {
      BreakerConfig.Window w = config.failureRate().window();
      if (w.type() == BreakerConfig.WindowType.COUNT_BASED) {
        return outcomes.subList(Math.max(0, outcomes.size() - w.size()), outcomes.size());
      }
      long oldest = bucket() - w.duration().toSeconds() + 1;
      return outcomes.stream().filter(o -> o.bucket() >= oldest).toList();
    }

    private void judgeRates() {
      List<Outcome> window = window();
      int calls = window.size();
      if (calls < config.failureRate().minimumCalls()) {
        return;
      }
      long failures = window.stream().filter(Outcome::failure).count();
      long slow = window.stream().filter(Outcome::slow).count();
      double failureThreshold = config.failureRate().threshold();
      double slowThreshold = config.slowCalls().rateThreshold();
      if (config.failureRate().enabled() && failures > 0 && (double) failures / calls >= failureThreshold) {
        moveTo(BreakerState.OPEN, String.format(Locale.ROOT, "failure_rate %.2f>=%.2f",
            (double) failures / calls, failureThreshold));
      } else if (config.slowCalls().enabled() && slow > 0 && (double) slow / calls >= slowThreshold) {
        moveTo(BreakerState.OPEN, String.format(Locale.ROOT, "slow_call_rate %.2f>=%.2f",
            (double) slow / calls, slowThreshold));
      }
    }

    private void reopen(String reason) {
      level++;
      moveTo(BreakerState.OPEN, reason);
    }

    private void moveTo(BreakerState to, String reason) {
      if (state == to) {
        return;
      }
      transitions.add(state.wireName() + "->" + to.wireName() + " " + reason);
      state = to;
      epoch++;
      switch (to) {
        case CLOSED -> {
          outcomes.clear();
          failureRun = 0;
          level = 0;
        }
        case OPEN -> {
          BreakerConfig.Transitions t = config.transitions();
          double multiplier = t.enableExponentialBackoff() ? t.backoffMultiplier() : 1.0;
          long timeout = (long) Math.min(t.openTimeout().toNanos() * Math.pow(multiplier, level),
              t.maxOpenTimeout().toNanos());
          openUntil = clock.nanos() + Math.max(timeout, 1_000_000L);
        }
        case HALF_OPEN -> {
          leases.clear();
          probeSuccesses = 0;
          outcomes.clear();
          failureRun = 0;
        }
        default -> { }
      }
    }
  }
}
