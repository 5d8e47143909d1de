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
 * A permit names the state period in which the call was admitted; the outcome of a call admitted
 * before the last transition is counted but judges nothing, so a slow call from a closed period
 * cannot close a half-open breaker.
 *
 * <p>Nothing on the admit and record paths allocates or reads the system clock unless a
 * time-based window or an open timeout needs the time; pass a {@link CoarseClock} to make that read
 * cheap. Call {@link #tick()} from a timer so that an idle breaker still moves from open to
 * half-open and expires probe leases.
 */
public final class CircuitBreaker {

  /** What {@link #tryAcquire()} returns when the call must not run. */
  public static final long REJECTED = -1L;

  private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());
  private static final TransitionListener[] NO_LISTENERS = new TransitionListener[0];

  private final String name;
  private final Clock clock;
  private final OutcomeWindow window;
  /** Null when that detector is disabled. */
  private final ConsecutiveFailureDetector consecutive;
  private final RateDetector failureRate;
  private final RateDetector slowCallRate;
  private final long slowCallNanos;
  private final long callTimeoutNanos;
  private final OpenTimeout openTimeout;
  private final HalfOpenProbes probes;
  private final int successThreshold;
  private final boolean strictMode;
  private final LatencyHistogram latency = new LatencyHistogram();
  private TransitionListener[] listeners = NO_LISTENERS;

  private BreakerState state = BreakerState.CLOSED;
  /** Counts transitions; a permit is the epoch it was issued in. */
  private long epoch;
  private long sinceEpochMillis;
  private long openUntilNanos;
  private long openTimeoutNanos;

  private long successCalls;
  private long failureCalls;
  private long ignoredCalls;
  private long rejectedCalls;
  private long timeoutCalls;

  public CircuitBreaker(String name, BreakerConfig config, Clock clock) {
    this(name, config, clock, System.nanoTime());
  }

  /** @param jitterSeed seeds the open-timeout jitter, for reproducible tests */
  public CircuitBreaker(String name, BreakerConfig config, Clock clock, long jitterSeed) {
    this.name = name;
    this.clock = clock;
    BreakerConfig.FailureRate rate = config.failureRate();
    this.window = rate.window().type() == BreakerConfig.WindowType.COUNT_BASED
        ? new CountWindow(rate.window().size())
        : new TimeWindow(clock, (int) rate.window().duration().toSeconds());
    this.consecutive = config.consecutiveFailures().enabled()
        ? new ConsecutiveFailureDetector(config.consecutiveFailures().threshold()) : null;
    this.failureRate = rate.enabled()
        ? new RateDetector(rate.threshold(), rate.minimumCalls()) : null;
    this.slowCallRate = config.slowCalls().enabled()
        ? new RateDetector(config.slowCalls().rateThreshold(), rate.minimumCalls()) : null;
    this.slowCallNanos = config.slowCalls().threshold().toNanos();
    this.callTimeoutNanos = config.callTimeout().toNanos();
    this.openTimeout = new OpenTimeout(config.transitions(), jitterSeed);
    this.openTimeoutNanos = openTimeout.plainNanos();
    this.probes = new HalfOpenProbes(config.recovery().permittedProbes());
    this.successThreshold = config.recovery().successThreshold();
    this.strictMode = config.recovery().strictMode();
    this.sinceEpochMillis = clock.epochMillis();
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
      return epoch;
    }
    if (s == BreakerState.OPEN) {
      if (clock.nanos() < openUntilNanos) {
        rejectedCalls++;
        return REJECTED;
      }
      transition(BreakerState.HALF_OPEN, "open_timeout_elapsed");
      return tryAcquireProbe();
    }
    if (s == BreakerState.HALF_OPEN) {
      return tryAcquireProbe();
    }
    rejectedCalls++;
    return REJECTED;
  }

  private long tryAcquireProbe() {
    long now = clock.nanos();
    if (probes.leaseExpired(now)) {
      reopen("probe_lease_expired");
    } else if (probes.tryAcquire(now + callTimeoutNanos)) {
      return epoch;
    }
    rejectedCalls++;
    return REJECTED;
  }

  public void onSuccess(long permit, long durationNanos) {
    checkPermit(permit);
    successCalls++;
    latency.record(durationNanos);
    if (permit != epoch) {
      return;
    }
    boolean slow = durationNanos >= slowCallNanos;
    BreakerState s = state;
    if (s == BreakerState.CLOSED) {
      window.record(false, slow);
      if (consecutive != null) {
        consecutive.onSuccess();
      }
      judgeRates();
    } else if (s == BreakerState.HALF_OPEN) {
      probes.release();
      if (strictMode && slow) {
        reopen("probe_slow");
      } else if (probes.succeeded() >= successThreshold) {
        transition(BreakerState.CLOSED, "probes_succeeded");
      }
    } else if (s == BreakerState.DISABLED) {
      window.record(false, slow);
    }
  }

  public void onFailure(long permit, long durationNanos) {
    checkPermit(permit);
    failureCalls++;
    recordFailure(permit, durationNanos);
  }

  /** A call that ran past its deadline: counted as a timeout, judged as a failure. */
  public void onTimeout(long permit, long durationNanos) {
    checkPermit(permit);
    timeoutCalls++;
    recordFailure(permit, durationNanos);
  }

  /** The dependency answered with the caller's own error: counts for neither side. */
  public void onIgnored(long permit) {
    checkPermit(permit);
    ignoredCalls++;
    release(permit);
  }

  /** A call that ended with no outcome (cancelled before it ran): only gives its permit back. */
  public void release(long permit) {
    if (permit == epoch && state == BreakerState.HALF_OPEN) {
      probes.release();
    }
  }

  /** Counts a call refused before the breaker was asked, by its owner's bulkhead. */
  public void countRejected() {
    rejectedCalls++;
  }

  /** Counts a call whose deadline passed while it waited for the owner's bulkhead; judges nothing. */
  public void countTimedOutWaiting() {
    timeoutCalls++;
  }

  private void recordFailure(long permit, long durationNanos) {
    latency.record(durationNanos);
    if (permit != epoch) {
      return;
    }
    boolean slow = durationNanos >= slowCallNanos;
    BreakerState s = state;
    if (s == BreakerState.CLOSED) {
      window.record(true, slow);
      if (consecutive != null && consecutive.onFailure()) {
        transition(BreakerState.OPEN, consecutive.reason());
      } else {
        judgeRates();
      }
    } else if (s == BreakerState.HALF_OPEN) {
      probes.release();
      reopen("probe_failed");
    } else if (s == BreakerState.DISABLED) {
      window.record(true, slow);
    }
  }

  private void judgeRates() {
    int calls = window.calls();
    if (failureRate != null && failureRate.tripped(window.failures(), calls)) {
      transition(BreakerState.OPEN, failureRate.reason("failure_rate", window.failures(), calls));
    } else if (slowCallRate != null && slowCallRate.tripped(window.slowCalls(), calls)) {
      transition(BreakerState.OPEN, slowCallRate.reason("slow_call_rate", window.slowCalls(), calls));
    }
  }

  private static void checkPermit(long permit) {
    if (permit < 0) {
      throw new IllegalArgumentException("a rejected call has no outcome to record");
    }
  }

  /**
   * Moves time-driven state along: an open breaker whose timeout elapsed goes half-open, a probe
   * whose lease passed fails, and the time window drops expired buckets. Call it from a timer.
   */
  public void tick() {
    long now = clock.nanos();
    if (state == BreakerState.OPEN && now >= openUntilNanos) {
      transition(BreakerState.HALF_OPEN, "open_timeout_elapsed");
    } else if (state == BreakerState.HALF_OPEN && probes.leaseExpired(now)) {
      reopen("probe_lease_expired");
    }
    window.refresh();
  }

  /** How long an open breaker still rejects, in milliseconds, rounded up; 0 in other states. */
  public long retryAfterMillis() {
    if (state != BreakerState.OPEN) {
      return 0;
    }
    long remaining = openUntilNanos - clock.nanos();
    return remaining <= 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(remaining + 999_999);
  }

  /** Stops all calls until {@link #close()}. */
  public void forceOpen() {
    transition(BreakerState.FORCED_OPEN, "admin:force_open");
  }

  /** Admits all calls and keeps counting, never tripping, until {@link #close()}. */
  public void disable() {
    transition(BreakerState.DISABLED, "admin:disable");
  }

  /** Back to normal closed operation with a fresh window, ending any forced mode. */
  public void close() {
    transition(BreakerState.CLOSED, "admin:close");
  }

  /** Closed, with the window, backoff, counts and latencies all cleared. */
  public void reset() {
    successCalls = 0;
    failureCalls = 0;
    ignoredCalls = 0;
    rejectedCalls = 0;
    timeoutCalls = 0;
    latency.clear();
    openTimeout.reset();
    if (state == BreakerState.CLOSED) {
      clearDetection();
    } else {
      transition(BreakerState.CLOSED, "admin:reset");
    }
  }

  /**
   * Moves to any state for a reason given by the caller (an administrator, a cluster verdict).
   * Entering open uses the current backoff level.
   */
  public void transitionTo(BreakerState target, String reason) {
    transition(target, reason);
  }

  /**
   * Puts back a state saved before a restart: an open breaker stays open for {@code remainingNanos}
   * more at backoff level {@code backoffLevel}. Tells no listener, since nothing changed.
   */
  public void restore(BreakerState saved, long sinceEpochMillis, long remainingOpenNanos, int backoffLevel) {
    openTimeout.restoreLevel(backoffLevel);
    state = saved;
    epoch++;
    this.sinceEpochMillis = sinceEpochMillis;
    openTimeoutNanos = openTimeout.plainNanos();
    openUntilNanos = clock.nanos() + Math.max(0, remainingOpenNanos);
    clearDetection();
    probes.clear();
  }

  private void reopen(String reason) {
    openTimeout.escalate();
    transition(BreakerState.OPEN, reason);
  }

  private void transition(BreakerState to, String reason) {
    BreakerState from = state;
    if (from == to) {
      return;
    }
    state = to;
    epoch++;
    sinceEpochMillis = clock.epochMillis();
    switch (to) {
      case CLOSED -> {
        clearDetection();
        openTimeout.reset();
        openTimeoutNanos = openTimeout.plainNanos();
      }
      case OPEN -> {
        openTimeoutNanos = openTimeout.nextNanos();
        openUntilNanos = clock.nanos() + openTimeoutNanos;
      }
      case HALF_OPEN -> probes.clear();
      default -> { }
    }
    Transition t = new Transition(name, from, to, reason, sinceEpochMillis);
    for (TransitionListener listener : listeners) {
      try {
        listener.onTransition(t);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "transition listener of breaker " + name + " failed", e);
      }
    }
  }

  private void clearDetection() {
    window.clear();
    if (consecutive != null) {
      consecutive.reset();
    }
  }

  /** The breaker now; the time window is brought up to date first. */
  public BreakerSnapshot snapshot() {
    window.refresh();
    int calls = window.calls();
    return new BreakerSnapshot(
        name,
        state,
        sinceEpochMillis,
        successCalls,
        failureCalls,
        ignoredCalls,
        rejectedCalls,
        timeoutCalls,
        calls == 0 ? 0.0 : (double) window.failures() / calls,
        calls == 0 ? 0.0 : (double) window.slowCalls() / calls,
        calls,
        latency.quantileNanos(0.50) / 1e6,
        latency.quantileNanos(0.95) / 1e6,
        latency.quantileNanos(0.99) / 1e6,
        TimeUnit.NANOSECONDS.toMillis(openTimeoutNanos),
        openTimeout.level(),
        state == BreakerState.OPEN ? clock.epochMillis() + retryAfterMillis() : 0,
        state == BreakerState.HALF_OPEN ? probes.inFlight() : 0);
  }
}
