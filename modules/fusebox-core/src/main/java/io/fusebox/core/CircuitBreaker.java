package io.fusebox.core;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * One circuit breaker: admits or rejects calls, records their outcomes, and moves between states.
 *
 * <h2>Single owner</h2>
 * A breaker belongs to one thread (in Fusebox, the event loop of its verticle) and must only be
 * used from it. It has no locks, no atomics and no volatile fields: that is what makes a decision
 * plus a record cost a few nanoseconds. Share it between threads and its counts will be wrong.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * long permit = breaker.tryAcquire();
 * if (permit == CircuitBreaker.REJECTED) { ...fail fast or fall back... }
 * long start = System.nanoTime();
 * ...call the dependency...
 * breaker.onSuccess(permit, System.nanoTime() - start);   // or onFailure, onTimeout, onIgnored, release
 * }</pre>
 * A permit names the state period in which the call was admitted and, for a half-open probe, the
 * probe itself. The outcome of a call admitted before the last transition is counted but judges
 * nothing, so a slow call from a closed period cannot close a half-open breaker; the outcome of a
 * call admitted before the last {@link #reset()} is not even counted.
 *
 * <p>Nothing on the admit and record paths allocates or reads the system clock unless a
 * time-based window, an open timeout or a probe lease needs the time; pass a {@link CoarseClock} to
 * make that read cheap. Call {@link #tick()} from a timer so that an idle breaker still moves from
 * open to half-open and expires probe leases.
 *
 * <h2>Manual transitions</h2>
 * {@link #transitionTo} (administrators, cluster verdicts) accepts only these moves, and throws
 * {@link IllegalStateException} naming both states for any other:
 * <table>
 *   <caption>Allowed targets</caption>
 *   <tr><th>to</th><th>from</th></tr>
 *   <tr><td>closed, forced_open, disabled</td><td>any state</td></tr>
 *   <tr><td>open</td><td>closed, half_open (open itself: nothing happens)</td></tr>
 *   <tr><td>half_open</td><td>open (half_open itself: nothing happens)</td></tr>
 * </table>
 * The admin states are left only for closed, so a verdict cannot reopen a breaker that an
 * administrator forced or disabled, and half-open is only ever reached from open.
 */
public final class CircuitBreaker {

  /** What {@link #tryAcquire()} returns when the call must not run. */
  public static final long REJECTED = -1L;

  /** A permit is its period shifted left by these bits, or'ed with the probe's slot (0: not a probe). */
  private static final int SLOT_BITS = 16;
  private static final long SLOT_MASK = (1L << SLOT_BITS) - 1;

  private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());
  private static final TransitionListener[] NO_LISTENERS = new TransitionListener[0];

  private final String name;
  /** Swapped whole by {@link #reconfigure}, never changed. */
  private BreakerRules rules;
  private OutcomeWindow window;
  /** Null when that detector is disabled. */
  private ConsecutiveFailureDetector consecutive;
  /** Null for a keyed family's key, whose calls the family counts. */
  private final Tally tally;
  /** The tally's histogram, null with it: one load less on the record path. */
  private final LatencyHistogram latency;
  /** Made at the first half-open: most breakers never need it. */
  private HalfOpenProbes probes;
  private TransitionListener[] listeners;

  private BreakerState state = BreakerState.CLOSED;
  /** Re-opens without a close in between: how far the open timeout has backed off. */
  private int backoffLevel;
  /** Counts state periods: every transition and every reset starts one. */
  private long epoch;
  /** The first permit of the period the last reset started; outcomes of older permits are not counted. */
  private long countedFrom;
  private long sinceEpochMillis;
  private long openUntilNanos;
  /** The open timeout in force while open, for snapshots: in milliseconds, which is what they show. */
  private int openTimeoutMillis;

  public CircuitBreaker(String name, BreakerConfig config, Clock clock) {
    this(name, config, clock, System.nanoTime());
  }

  /** @param jitterSeed seeds the open-timeout jitter, for reproducible tests */
  public CircuitBreaker(String name, BreakerConfig config, Clock clock, long jitterSeed) {
    this(name, BreakerRules.forBreaker(config, clock, jitterSeed), new Tally(), NO_LISTENERS);
  }

  /**
   * A breaker on shared rules; {@code listeners} is shared too, until {@link #addListener} copies it.
   *
   * @param tally null for a breaker whose calls are counted elsewhere
   */
  CircuitBreaker(String name, BreakerRules rules, Tally tally, TransitionListener[] listeners) {
    this.name = name;
    this.rules = rules;
    this.window = rules.newWindow();
    this.consecutive = rules.newConsecutiveDetector();
    this.tally = tally;
    this.latency = tally == null ? null : tally.latency;
    if (latency != null) {
      rules.span(latency);
    }
    this.listeners = listeners;
    this.sinceEpochMillis = rules.clock.epochMillis();
  }

  public String name() {
    return name;
  }

  public BreakerState state() {
    return state;
  }

  /** Adds a listener, told after every later transition. */
  public void addListener(TransitionListener listener) {
    listeners = Arrays.copyOf(listeners, listeners.length + 1);
    listeners[listeners.length - 1] = listener;
  }

  /**
   * Decides whether a call may run.
   *
   * @return a permit to pass to the outcome method, or {@link #REJECTED}; after a rejection,
   *     {@link #state()} tells whether the breaker is open or only out of probe permits
   */
  public long tryAcquire() {
    BreakerState s = state;
    if (s == BreakerState.CLOSED || s == BreakerState.DISABLED) {
      return periodPermit();
    }
    if (s == BreakerState.OPEN) {
      if (rules.clock.nanos() < openUntilNanos) {
        countRejected();
        return REJECTED;
      }
      transition(BreakerState.HALF_OPEN, "open_timeout_elapsed", TransitionCause.OPEN_TIMEOUT_ELAPSED);
      return tryAcquireProbe();
    }
    if (s == BreakerState.HALF_OPEN) {
      return tryAcquireProbe();
    }
    countRejected();
    return REJECTED;
  }

  private long tryAcquireProbe() {
    long now = rules.clock.nanos();
    if (probes.leaseExpired(now)) {
      reopen("probe_lease_expired");
    } else {
      int slot = probes.tryAcquire(now + rules.callTimeoutNanos);
      if (slot != 0) {
        return periodPermit() | slot;
      }
    }
    countRejected();
    return REJECTED;
  }

  public void onSuccess(long permit, long durationNanos) {
    if (!counted(permit)) {
      return;
    }
    if (tally != null) {
      tally.successCalls++;
      latency.record(durationNanos);
    }
    boolean slow = durationNanos > rules.slowCallNanos;
    if (permit == periodPermit()) {
      BreakerState s = state;
      if (s == BreakerState.CLOSED) {
        window.record(false, slow);
        if (consecutive != null) {
          consecutive.onSuccess();
        }
        judgeRates();
      } else if (s == BreakerState.DISABLED) {
        window.record(false, slow);
      }
    } else if (isProbeOfThisPeriod(permit)) {
      onProbeSucceeded((int) (permit & SLOT_MASK), slow);
    }
  }

  private void onProbeSucceeded(int slot, boolean slow) {
    if (probes.leaseExpired(rules.clock.nanos())) {
      reopen("probe_lease_expired");
      return;
    }
    probes.release(slot);
    window.record(false, slow);
    if (rules.strictMode && slow) {
      reopen("probe_slow");
    } else if (probes.succeeded() >= rules.successThreshold) {
      transition(BreakerState.CLOSED, "probes_succeeded", TransitionCause.PROBES_SUCCEEDED);
    }
  }

  public void onFailure(long permit, long durationNanos) {
    if (counted(permit)) {
      if (tally != null) {
        tally.failureCalls++;
      }
      recordFailure(permit, durationNanos);
    }
  }

  /** A call that ran past its deadline: counted as a timeout, judged as a failure. */
  public void onTimeout(long permit, long durationNanos) {
    if (counted(permit)) {
      if (tally != null) {
        tally.timeoutCalls++;
      }
      recordFailure(permit, durationNanos);
    }
  }

  /** The dependency answered with the caller's own error: counts for neither side. */
  public void onIgnored(long permit) {
    if (counted(permit)) {
      if (tally != null) {
        tally.ignoredCalls++;
      }
      release(permit);
    }
  }

  /**
   * A call that ended with no outcome (cancelled before it ran): only gives its permit back. A
   * half-open breaker first checks the other probes' leases, as at every probe's end.
   */
  public void release(long permit) {
    if (isProbeOfThisPeriod(permit)) {
      if (probes.leaseExpired(rules.clock.nanos())) {
        reopen("probe_lease_expired");
      } else {
        probes.release((int) (permit & SLOT_MASK));
      }
    }
  }

  /** Counts a call refused before the breaker was asked, by its owner's bulkhead. */
  public void countRejected() {
    if (tally != null) {
      tally.rejectedCalls++;
    }
  }

  /** Counts a call whose deadline passed while it waited for the owner's bulkhead; judges nothing. */
  public void countTimedOutWaiting() {
    if (tally != null) {
      tally.timeoutCalls++;
    }
  }

  private void recordFailure(long permit, long durationNanos) {
    if (tally != null) {
      latency.record(durationNanos);
    }
    boolean slow = durationNanos > rules.slowCallNanos;
    if (permit == periodPermit()) {
      BreakerState s = state;
      if (s == BreakerState.CLOSED) {
        window.record(true, slow);
        if (consecutive != null && consecutive.onFailure(window.calls(), window.failures())) {
          transition(BreakerState.OPEN, consecutive.reason(), TransitionCause.TRIPPED);
        } else {
          judgeRates();
        }
      } else if (s == BreakerState.DISABLED) {
        window.record(true, slow);
      }
    } else if (isProbeOfThisPeriod(permit)) {
      probes.release((int) (permit & SLOT_MASK));
      window.record(true, slow);
      reopen("probe_failed");
    }
  }

  /**
   * Whether an outcome of this permit still counts: false for one admitted before the last reset.
   *
   * @throws IllegalArgumentException for {@link #REJECTED}, whose call did not run
   */
  private boolean counted(long permit) {
    if (permit >= countedFrom) {
      return true;
    }
    if (permit < 0) {
      throw new IllegalArgumentException("a rejected call has no outcome to record");
    }
    return false;
  }

  /** Probes hold a slot; only a half-open period issues permits with one. */
  private boolean isProbeOfThisPeriod(long permit) {
    return (permit >>> SLOT_BITS) == epoch && (permit & SLOT_MASK) != 0;
  }

  private void judgeRates() {
    int calls = window.calls();
    RateDetector failureRate = rules.failureRate;
    RateDetector slowCallRate = rules.slowCallRate;
    if (failureRate != null && failureRate.tripped(window.failures(), calls)) {
      transition(BreakerState.OPEN, failureRate.reason("failure_rate", window.failures(), calls), TransitionCause.TRIPPED);
    } else if (slowCallRate != null && slowCallRate.tripped(window.slowCalls(), calls)) {
      transition(BreakerState.OPEN, slowCallRate.reason("slow_call_rate", window.slowCalls(), calls),
          TransitionCause.TRIPPED);
    }
  }

  /**
   * Moves time-driven state along: an open breaker whose timeout elapsed goes half-open, a probe
   * whose lease passed fails, and the time window drops expired buckets. Call it from a timer.
   */
  public void tick() {
    long now = rules.clock.nanos();
    if (state == BreakerState.OPEN && now >= openUntilNanos) {
      transition(BreakerState.HALF_OPEN, "open_timeout_elapsed", TransitionCause.OPEN_TIMEOUT_ELAPSED);
    } else if (state == BreakerState.HALF_OPEN && probes.leaseExpired(now)) {
      reopen("probe_lease_expired");
    }
    window.refresh();
    if (latency != null && rules.latencyDecayNanos > 0) {
      latency.decay(now, rules.latencyDecayNanos);
    }
  }

  /** How long an open breaker still rejects, in milliseconds, rounded up; 0 in other states. */
  public long retryAfterMillis() {
    if (state != BreakerState.OPEN) {
      return 0;
    }
    long remaining = openUntilNanos - rules.clock.nanos();
    return remaining <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(remaining + 999_999);
  }

  /** Stops all calls until {@link #close()}. */
  public void forceOpen() {
    transition(BreakerState.FORCED_OPEN, "admin:force_open", TransitionCause.ADMIN);
  }

  /** Admits all calls and keeps counting, never tripping, until {@link #close()}. */
  public void disable() {
    transition(BreakerState.DISABLED, "admin:disable", TransitionCause.ADMIN);
  }

  /** Back to normal closed operation with a fresh window, ending any forced mode. */
  public void close() {
    transition(BreakerState.CLOSED, "admin:close", TransitionCause.ADMIN);
  }

  /**
   * Closed, with the window, backoff, counts and latencies all cleared, in a new state period in
   * every state: the outcome of a call admitted before the reset changes nothing.
   */
  public void reset() {
    if (tally != null) {
      tally.clear();
    }
    backoffLevel = 0;
    if (state == BreakerState.CLOSED) {
      newPeriod();
      clearDetection();
    } else {
      transition(BreakerState.CLOSED, "admin:reset", TransitionCause.ADMIN);
    }
    countedFrom = periodPermit();
  }

  /**
   * Moves to another state for a reason given by the caller (an administrator, a cluster verdict),
   * if the table in the class comment allows it. Entering open uses the current backoff level.
   *
   * @throws IllegalStateException for a move the table does not allow, naming from and to
   */
  public void transitionTo(BreakerState target, String reason) {
    if (!allowed(state, target)) {
      throw new IllegalStateException("breaker " + name + " cannot move from " + state.wireName() + " to "
          + target.wireName() + " (" + reason + ")");
    }
    transition(target, reason, TransitionCause.REQUESTED);
  }

  private static boolean allowed(BreakerState from, BreakerState to) {
    return switch (to) {
      case CLOSED, FORCED_OPEN, DISABLED -> true;
      case OPEN -> from == BreakerState.CLOSED || from == BreakerState.HALF_OPEN || from == BreakerState.OPEN;
      case HALF_OPEN -> from == BreakerState.OPEN || from == BreakerState.HALF_OPEN;
    };
  }

  /**
   * Judges by {@code config} from now on and keeps everything the breaker knows: its state, how
   * long it stays open, its backoff level, its counts and latencies, and what its window holds,
   * moved into a window of the new shape (see {@link OutcomeWindow#replayInto}). A run of
   * consecutive failures is kept while that rule stays on. A half-open period keeps its probes; the
   * next one has the new number. Tells no listener: the state did not change. Only for a breaker
   * made on its own; a keyed family's keys take theirs through {@link KeyBreakers#reconfigure}.
   */
  public void reconfigure(BreakerConfig config) {
    reconfigure(BreakerRules.forBreaker(config, rules.clock, System.nanoTime()));
  }

  /** As {@link #reconfigure(BreakerConfig)}, with rules made (and, for keys, shared) by the caller. */
  void reconfigure(BreakerRules next) {
    OutcomeWindow nextWindow = next.newWindow();
    window.replayInto(nextWindow);
    ConsecutiveFailureDetector nextConsecutive = next.newConsecutiveDetector();
    if (nextConsecutive != null && consecutive != null) {
      nextConsecutive.continueRun(consecutive);
    }
    rules = next;
    window = nextWindow;
    if (latency != null) {
      rules.span(latency);
    }
    consecutive = nextConsecutive;
    if (state != BreakerState.HALF_OPEN) {
      probes = null;
    }
  }

  /**
   * Puts back a state saved before a restart: an open breaker stays open for {@code remainingNanos}
   * more at backoff level {@code backoffLevel}. Tells no listener, since nothing changed.
   */
  public void restore(BreakerState saved, long sinceEpochMillis, long remainingOpenNanos, int backoffLevel) {
    this.backoffLevel = Math.max(0, backoffLevel);
    state = saved;
    newPeriod();
    this.sinceEpochMillis = sinceEpochMillis;
    openTimeoutMillis = millis(rules.openTimeout.plainNanos(this.backoffLevel));
    openUntilNanos = rules.clock.nanos() + Math.max(0, remainingOpenNanos);
    clearDetection();
    if (saved == BreakerState.HALF_OPEN || probes != null) {
      freshProbes();
    }
  }

  private void reopen(String reason) {
    backoffLevel++;
    transition(BreakerState.OPEN, reason, TransitionCause.PROBE_FAILED);
  }

  private void transition(BreakerState to, String reason, TransitionCause cause) {
    BreakerState from = state;
    if (from == to) {
      return;
    }
    WindowCounts left = new WindowCounts(window.calls(), window.failures(), window.slowCalls());
    state = to;
    newPeriod();
    sinceEpochMillis = rules.clock.epochMillis();
    switch (to) {
      case CLOSED -> {
        clearDetection();
        backoffLevel = 0;
      }
      case OPEN -> {
        long openTimeoutNanos = rules.openTimeout.nextNanos(backoffLevel);
        openTimeoutMillis = millis(openTimeoutNanos);
        openUntilNanos = rules.clock.nanos() + openTimeoutNanos;
      }
      case HALF_OPEN -> {
        clearDetection();
        freshProbes();
      }
      default -> { }
    }
    Transition t = new Transition(name, from, to, reason, sinceEpochMillis, left, cause);
    for (TransitionListener listener : listeners) {
      try {
        listener.onTransition(t);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "transition listener of breaker " + name + " failed", e);
      }
    }
  }

  private static int millis(long nanos) {
    return (int) Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos));
  }

  private void freshProbes() {
    if (probes == null || probes.permits() != rules.permittedProbes) {
      probes = new HalfOpenProbes(rules.permittedProbes);
    } else {
      probes.clear();
    }
  }

  /** The permit of a call admitted in this period that is no probe (derived, not kept: a key is small). */
  private long periodPermit() {
    return epoch << SLOT_BITS;
  }

  private void newPeriod() {
    epoch++;
  }

  private void clearDetection() {
    window.clear();
    if (consecutive != null) {
      consecutive.reset();
    }
  }

  /**
   * While open, the open timeout in force; while half-open, the one a failed probe would start (one
   * backoff level up); while closed, the one a trip would start. Forced-open and disabled breakers
   * can only trip after a close, which resets the backoff, so theirs is the base timeout.
   */
  private long nextOpenTimeoutNanos() {
    return switch (state) {
      case OPEN -> TimeUnit.MILLISECONDS.toNanos(openTimeoutMillis);
      case HALF_OPEN -> rules.openTimeout.plainNanos(backoffLevel + 1);
      case CLOSED -> rules.openTimeout.plainNanos(backoffLevel);
      case FORCED_OPEN, DISABLED -> rules.openTimeout.plainNanos(0);
    };
  }

  /**
   * A number that moves with every counted outcome, rejection, transition and reset, for a reporter
   * that skips rebuilding a snapshot nothing changed: an equal mark, outside half-open (whose probe
   * leases it does not follow) and with an empty window (which time alone can empty), means an equal
   * snapshot. The state period is in the high bits, since a reset zeroes the counts.
   */
  public long changeMark() {
    return (epoch << 40) ^ (tally == null ? 0 : tally.sum());
  }

  /** The breaker now; the time window is brought up to date first. */
  public BreakerSnapshot snapshot() {
    window.refresh();
    int calls = window.calls();
    return new BreakerSnapshot(
        name,
        state,
        sinceEpochMillis,
        tally == null ? 0 : tally.successCalls,
        tally == null ? 0 : tally.failureCalls,
        tally == null ? 0 : tally.ignoredCalls,
        tally == null ? 0 : tally.rejectedCalls,
        tally == null ? 0 : tally.timeoutCalls,
        calls == 0 ? 0.0 : (double) window.failures() / calls,
        calls == 0 ? 0.0 : (double) window.slowCalls() / calls,
        calls,
        tally == null ? 0 : tally.latency.quantileNanos(0.50) / 1e6,
        tally == null ? 0 : tally.latency.quantileNanos(0.95) / 1e6,
        tally == null ? 0 : tally.latency.quantileNanos(0.99) / 1e6,
        TimeUnit.NANOSECONDS.toMillis(nextOpenTimeoutNanos()),
        backoffLevel,
        state == BreakerState.OPEN ? rules.clock.epochMillis() + retryAfterMillis() : 0,
        state == BreakerState.HALF_OPEN ? probes.inFlight() : 0);
  }
}
