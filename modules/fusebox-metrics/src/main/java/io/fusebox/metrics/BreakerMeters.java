package io.fusebox.metrics;

import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;

/**
 * The figures behind the Prometheus meters of one breaker instance, named as in DESIGN.md (label
 * {@code name} the breaker, plus {@code node}). Written on the breaker's event loop, read by whatever
 * thread scrapes.
 *
 * <pre>
 * circuit_breaker_state{name}                      0 closed, 1 open, 2 half_open, 3 disabled, 4 forced_open
 * circuit_breaker_requests_total{name,result}      success|failure|rejected|timeout|ignored
 * circuit_breaker_transitions_total{name,from,to}
 * circuit_breaker_state_duration_seconds{name,state}  time spent in each state since start (DESIGN.md
 *                                                    says _ms; promtool refuses abbreviated units)
 * circuit_breaker_failure_rate{name}
 * circuit_breaker_slow_call_rate{name}
 * circuit_breaker_latency_seconds{name,quantile}   0.5, 0.95, 0.99 (+ _count, _sum)
 * circuit_breaker_fallback_executions_total{name,type}
 * circuit_breaker_keys{name,state}                 a keyed family's keys: tracked, not_closed
 * circuit_breaker_keys_forgotten_total{name,cause} size (beyond max_keys), idle (idle_expiry)
 * circuit_breaker_concurrency_limit{name}         an adaptive concurrency limit, as of the latest snapshot
 * circuit_breaker_concurrency_inflight{name}      calls in flight under it, likewise
 * circuit_breaker_retries_total{name,result}      retried (an attempt made again), budget_exhausted (one
 *                                                    the retry budget refused)
 * circuit_breaker_throttling_refused_share{name}  the share of calls the throttling state refuses, as of the
 *                                                    latest snapshot (0 while it is not throttling)
 * circuit_breaker_key_open{name,key}               1 for each of a family's {@value #TOP_KEYS} most recently
 *                                                    opened keys: a bounded label, never one per key
 * </pre>
 *
 * <p>A breaker keeps only numbers: with a Prometheus registry, one collector per registry
 * ({@link PrometheusBreakers}) turns every breaker's numbers into series when scraped, so a
 * breaker costs a few hundred bytes instead of the ~8.5 KB that thirteen Micrometer meters with
 * their ids, tags and registry entries took. Other registries get Micrometer function meters over
 * the same numbers ({@link MicrometerBreakers}). The latency summary changes at each of the
 * breaker's snapshots, not at each call: its quantiles are the breaker's own.
 */
public final class BreakerMeters {

  /** How a call ended, for {@code circuit_breaker_requests_total}. */
  public enum Result {
    SUCCESS, FAILURE, REJECTED, TIMEOUT, IGNORED;

    private static final Result[] ALL = values();

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Result[] all() {
      return ALL;
    }
  }

  private static final BreakerState[] STATES = BreakerState.values();

  private final String breaker;
  private final String node;
  private final AtomicLongArray requests = new AtomicLongArray(Result.all().length);
  /** By {@code from.code() * 5 + to.code()}; made at the first transition, written on the breaker's loop only. */
  private volatile AtomicLongArray transitions;
  /** By fallback type; null until the breaker has a fallback. */
  private volatile Map<String, AtomicLong> fallbacks;
  /** Calls timed and their total nanoseconds, counted on the breaker's event loop. */
  private long latencyCount;
  private long latencyNanos;
  private volatile LatencyFigures latency = LatencyFigures.NONE;
  /** Milliseconds spent in each state before the current one, by {@link BreakerState#code()}. */
  private final AtomicLongArray msInEarlierStates = new AtomicLongArray(STATES.length);
  private volatile BreakerState state = BreakerState.CLOSED;
  /** The states this breaker has been in, one bit per {@link BreakerState#code()}. */
  private volatile int statesSeen = 1 << BreakerState.CLOSED.code();
  private volatile long stateSinceNanos = System.nanoTime();
  private volatile double failureRate;
  private volatile double slowCallRate;
  private final Exposition exposition;
  /** A keyed family's key counts: tracked, not closed, forgotten by size, forgotten idle; null when not keyed. */
  private volatile long[] keys;
  private volatile int[] concurrency;
  /** Retries made and retries the budget refused; null until the breaker first wanted a retry. */
  private volatile AtomicLongArray retries;
  /** The throttling state's refused share; NaN unless the breaker throttles. */
  private volatile double throttlingRefusedShare = Double.NaN;
  /** A keyed family's most recently opened keys, at most {@value #TOP_KEYS}. */
  private volatile List<String> topKeys = List.of();

  /** Keys of a family named in the metrics. */
  public static final int TOP_KEYS = 10;

  public BreakerMeters(MeterRegistry registry, String breaker, String node, List<String> fallbackTypes) {
    this.breaker = breaker;
    this.node = node;
    if (!fallbackTypes.isEmpty()) {
      Map<String, AtomicLong> declared = new ConcurrentHashMap<>(fallbackTypes.size() * 2);
      fallbackTypes.forEach(type -> declared.put(type, new AtomicLong()));
      fallbacks = declared;
    }
    this.exposition = registry instanceof PrometheusMeterRegistry prometheus
        ? PrometheusBreakers.in(prometheus.getPrometheusRegistry()).add(this)
        : new MicrometerBreakers(registry, this);
  }

  /** What shows a breaker's figures in a registry. */
  interface Exposition {
    /** A pair of states this breaker moved between for the first time. */
    void transitionSeen(BreakerState from, BreakerState to);

    /** A fallback type this breaker used for the first time. */
    void fallbackSeen(String type);

    /** The breaker turned out to be a keyed family, whose key counts are now known. */
    void keyedSeen();

    /** The breaker has an adaptive concurrency limit, whose figures are now known. */
    void concurrencySeen();

    /** The breaker wanted its first retry. */
    void retriesSeen();

    /** The breaker has a throttling state, whose refused share is now known. */
    void throttlingSeen();

    void close();
  }

  public void call(Result result) {
    requests.incrementAndGet(result.ordinal());
  }

  /** Calls counted elsewhere and reported in bulk (an in-process breaker, at each of its snapshots). */
  public void calls(Result result, long count) {
    if (count > 0) {
      requests.addAndGet(result.ordinal(), count);
    }
  }

  /** Durations summed elsewhere and reported in bulk, as {@link #calls(Result, long)}. */
  public void latency(long calls, long nanos) {
    latencyCount += calls;
    latencyNanos += nanos;
  }

  /** The duration of a call that ran (not of a rejection). */
  public void latency(long nanos) {
    latencyCount++;
    latencyNanos += nanos;
  }

  public void fallback(String type) {
    Map<String, AtomicLong> byType = fallbacks;
    if (byType == null) {
      byType = new ConcurrentHashMap<>(2);
      fallbacks = byType;
    }
    AtomicLong count = byType.get(type);
    if (count == null) {
      count = new AtomicLong();
      byType.put(type, count);
      exposition.fallbackSeen(type);
    }
    count.incrementAndGet();
  }

  /** An adaptive concurrency limit and the calls in flight under it, at each snapshot. */
  public void concurrency(int limit, int inFlight) {
    boolean first = concurrency == null;
    concurrency = new int[] {limit, inFlight};
    if (first) {
      exposition.concurrencySeen();
    }
  }

  /** {limit, in flight}; null unless the breaker has an adaptive concurrency limit. */
  int[] concurrency() {
    return concurrency;
  }

  /** A failed attempt was tried again ({@code made}) or not, for want of retry budget. */
  public void retry(boolean made) {
    AtomicLongArray counts = retries;
    if (counts == null) {
      counts = new AtomicLongArray(2);
      retries = counts;
      exposition.retriesSeen();
    }
    counts.incrementAndGet(made ? 0 : 1);
  }

  /** Retries made ({@code made}) or refused for want of budget so far; 0 before the first. */
  long retries(boolean made) {
    AtomicLongArray counts = retries;
    return counts == null ? 0 : counts.get(made ? 0 : 1);
  }

  boolean hasRetried() {
    return retries != null;
  }

  /** The throttling state's refused share, at each snapshot of a breaker that throttles. */
  public void throttling(double refusedShare) {
    boolean first = Double.isNaN(throttlingRefusedShare);
    throttlingRefusedShare = refusedShare;
    if (first) {
      exposition.throttlingSeen();
    }
  }

  /** NaN unless the breaker throttles. */
  double throttlingRefusedShare() {
    return throttlingRefusedShare;
  }

  public void transition(BreakerState from, BreakerState to) {
    AtomicLongArray counts = transitions;
    if (counts == null) {
      counts = new AtomicLongArray(STATES.length * STATES.length);
      transitions = counts;
    }
    if (counts.getAndIncrement(from.code() * STATES.length + to.code()) == 0) {
      exposition.transitionSeen(from, to);
    }
    long now = System.nanoTime();
    msInEarlierStates.addAndGet(from.code(), TimeUnit.NANOSECONDS.toMillis(now - stateSinceNanos));
    stateSinceNanos = now;
    statesSeen |= 1 << to.code();
    state = to;
  }

  /** The state a breaker was restored in after a restart, which it did not reach by a transition. */
  public void restored(BreakerState state) {
    this.state = state;
    this.stateSinceNanos = System.nanoTime();
    statesSeen |= 1 << state.code();
  }

  /** Takes the rates of the latest snapshot. */
  public void snapshot(BreakerSnapshot snapshot) {
    failureRate = snapshot.failureRate();
    slowCallRate = snapshot.slowCallRate();
    latency = new LatencyFigures(latencyCount, latencyNanos / 1e9, snapshot.p50Millis() / 1e3,
        snapshot.p95Millis() / 1e3, snapshot.p99Millis() / 1e3);
  }

  /**
   * A keyed family's key counts and its most recently opened keys (the first {@value #TOP_KEYS} are
   * kept), as of its latest snapshot.
   */
  public void keys(long tracked, long notClosed, long forgottenBySize, long forgottenIdle, List<String> opened) {
    boolean first = keys == null;
    topKeys = List.copyOf(opened.subList(0, Math.min(TOP_KEYS, opened.size())));
    keys = new long[] {tracked, notClosed, forgottenBySize, forgottenIdle};
    if (first) {
      exposition.keyedSeen();
    }
  }

  /** Calls counted so far with this result. */
  public long count(Result result) {
    return requests.get(result.ordinal());
  }

  /** Takes this breaker's figures out of the registry, when its verticle is undeployed. */
  public void close() {
    exposition.close();
  }

  String breaker() {
    return breaker;
  }

  String node() {
    return node;
  }

  long requests(Result result) {
    return requests.get(result.ordinal());
  }

  /** Null unless the breaker is a keyed family: {tracked, not closed, forgotten by size, forgotten idle}. */
  long[] keys() {
    return keys;
  }

  List<String> topKeys() {
    return topKeys;
  }

  /** The pairs of states moved between so far, with their counts. */
  void forEachTransition(TransitionCount action) {
    AtomicLongArray counts = transitions;
    if (counts == null) {
      return;
    }
    for (int i = 0; i < counts.length(); i++) {
      long n = counts.get(i);
      if (n > 0) {
        action.accept(STATES[i / STATES.length], STATES[i % STATES.length], n);
      }
    }
  }

  long transitions(BreakerState from, BreakerState to) {
    AtomicLongArray counts = transitions;
    return counts == null ? 0 : counts.get(from.code() * STATES.length + to.code());
  }

  void forEachFallback(BiConsumer<String, Long> action) {
    Map<String, AtomicLong> byType = fallbacks;
    if (byType != null) {
      byType.forEach((type, count) -> action.accept(type, count.get()));
    }
  }

  long fallbacks(String type) {
    Map<String, AtomicLong> byType = fallbacks;
    AtomicLong count = byType == null ? null : byType.get(type);
    return count == null ? 0 : count.get();
  }

  int stateCode() {
    return state.code();
  }

  double failureRate() {
    return failureRate;
  }

  double slowCallRate() {
    return slowCallRate;
  }

  LatencyFigures latencyFigures() {
    return latency;
  }

  boolean hasBeenIn(BreakerState s) {
    return (statesSeen & 1 << s.code()) != 0;
  }

  double secondsIn(BreakerState s) {
    long earlier = msInEarlierStates.get(s.code());
    long ms = state == s ? earlier + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stateSinceNanos) : earlier;
    return ms / 1000.0;
  }

  /** One pair of states and how often the breaker moved from the one to the other. */
  @FunctionalInterface
  interface TransitionCount {
    void accept(BreakerState from, BreakerState to, long count);
  }
}
