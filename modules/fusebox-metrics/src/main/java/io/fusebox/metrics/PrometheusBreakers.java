package io.fusebox.metrics;

import io.fusebox.core.BreakerState;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every breaker of a Prometheus registry as series, built at scrape time from the numbers each
 * {@link BreakerMeters} keeps. One collector serves a whole registry because Prometheus allows one
 * family per name, and because a meter object per series is what made a breaker cost kilobytes:
 * here a breaker costs its map entry.
 */
final class PrometheusBreakers implements MultiCollector {

  static final String STATE = "circuit_breaker_state";
  static final String REQUESTS = "circuit_breaker_requests";
  static final String TRANSITIONS = "circuit_breaker_transitions";
  static final String STATE_DURATION = "circuit_breaker_state_duration_seconds";
  static final String FAILURE_RATE = "circuit_breaker_failure_rate";
  static final String SLOW_CALL_RATE = "circuit_breaker_slow_call_rate";
  static final String LATENCY = "circuit_breaker_latency_seconds";
  static final String FALLBACKS = "circuit_breaker_fallback_executions";
  static final String KEYS = "circuit_breaker_keys";
  static final String KEYS_FORGOTTEN = "circuit_breaker_keys_forgotten";
  static final String KEY_OPEN = "circuit_breaker_key_open";
  static final String CONCURRENCY_LIMIT = "circuit_breaker_concurrency_limit";
  static final String CONCURRENCY_INFLIGHT = "circuit_breaker_concurrency_inflight";
  static final String RETRIES = "circuit_breaker_retries";
  static final String THROTTLING_REFUSED_SHARE = "circuit_breaker_throttling_refused_share";

  private static final List<String> NAMES =
      List.of(STATE, REQUESTS, TRANSITIONS, STATE_DURATION, FAILURE_RATE, SLOW_CALL_RATE, LATENCY, FALLBACKS, KEYS,
          KEYS_FORGOTTEN, KEY_OPEN, CONCURRENCY_LIMIT, CONCURRENCY_INFLIGHT, RETRIES, THROTTLING_REFUSED_SHARE);
  private static final Map<PrometheusRegistry, PrometheusBreakers> BY_REGISTRY =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** A breaker on a node: one deployed again under the same name takes the place of the old. */
  private record Series(String breaker, String node) {
  }

  private static final Comparator<Labelled> BY_LABELS =
      Comparator.comparing((Labelled l) -> l.meters.breaker()).thenComparing(l -> l.meters.node());
  private static final List<BreakerMeters.Result> RESULTS_BY_LABEL = Arrays.stream(BreakerMeters.Result.all())
      .sorted(Comparator.comparing(BreakerMeters.Result::label)).toList();
  private static final List<BreakerState> STATES_BY_LABEL = Arrays.stream(BreakerState.values())
      .sorted(Comparator.comparing(BreakerState::wireName)).toList();

  private final Map<Series, Labelled> breakers = new ConcurrentHashMap<>();

  /**
   * A breaker's numbers with the label sets of its series, each made at the first scrape that
   * writes it and kept: building and validating them at every scrape (a regex per label name, a sort
   * per set) was a third of writing 10,000 breakers. Kept, they cost a scraped breaker about 900
   * bytes (the sets of its 7 to 8 usual series); a registry nobody scrapes pays nothing.
   */
  private static final class Labelled {
    private static final BreakerState[] STATES = BreakerState.values();

    final BreakerMeters meters;
    private Labels labels;
    private Labels[] byResult;
    private Labels[] byState;
    private Labels[] byTransition;
    private Labels[] keys;
    private Labels[] retries;
    private Map<String, Labels> byFallback;

    Labelled(BreakerMeters meters) {
      this.meters = meters;
    }

    // made by collect(), one scrape at a time

    Labels labels() {
      if (labels == null) {
        labels = Labels.of("name", meters.breaker(), "node", meters.node());
      }
      return labels;
    }

    /** The set of the {@code i}th of {@link #RESULTS_BY_LABEL}. */
    Labels result(int i) {
      if (byResult == null) {
        byResult = new Labels[RESULTS_BY_LABEL.size()];
        for (int r = 0; r < byResult.length; r++) {
          byResult[r] = labels().add("result", RESULTS_BY_LABEL.get(r).label());
        }
      }
      return byResult[i];
    }

    Labels state(BreakerState s) {
      if (byState == null) {
        byState = new Labels[STATES.length];
      }
      Labels made = byState[s.ordinal()];
      if (made == null) {
        made = labels().add("state", s.wireName());
        byState[s.ordinal()] = made;
      }
      return made;
    }

    Labels transition(BreakerState from, BreakerState to) {
      if (byTransition == null) {
        byTransition = new Labels[STATES.length * STATES.length];
      }
      int i = from.ordinal() * STATES.length + to.ordinal();
      Labels made = byTransition[i];
      if (made == null) {
        made = labels().merge(new String[] {"from", "to"}, new String[] {from.wireName(), to.wireName()});
        byTransition[i] = made;
      }
      return made;
    }

    /** not_closed, tracked (label {@code state}), idle, size (label {@code cause}). */
    Labels[] keys() {
      if (keys == null) {
        Labels l = labels();
        keys = new Labels[] {l.add("state", "not_closed"), l.add("state", "tracked"), l.add("cause", "idle"),
            l.add("cause", "size")};
      }
      return keys;
    }

    /** budget_exhausted, retried (label {@code result}). */
    Labels[] retries() {
      if (retries == null) {
        retries = new Labels[] {labels().add("result", "budget_exhausted"), labels().add("result", "retried")};
      }
      return retries;
    }

    Labels fallback(String type) {
      if (byFallback == null) {
        byFallback = new HashMap<>(4);
      }
      return byFallback.computeIfAbsent(type, t -> labels().add("type", t));
    }
  }

  /** The collector of this registry, registered with it on first use. */
  static PrometheusBreakers in(PrometheusRegistry registry) {
    return BY_REGISTRY.computeIfAbsent(registry, r -> {
      PrometheusBreakers collector = new PrometheusBreakers();
      r.register(collector);
      return collector;
    });
  }

  BreakerMeters.Exposition add(BreakerMeters meters) {
    Series series = new Series(meters.breaker(), meters.node());
    Labelled labelled = new Labelled(meters);
    breakers.put(series, labelled);
    return new BreakerMeters.Exposition() {
      @Override
      public void transitionSeen(BreakerState from, BreakerState to) {
        // read at the next scrape
      }

      @Override
      public void fallbackSeen(String type) {
        // read at the next scrape
      }

      @Override
      public void keyedSeen() {
        // read at the next scrape
      }

      @Override
      public void concurrencySeen() {
        // read at the next scrape
      }

      @Override
      public void retriesSeen() {
        // read at the next scrape
      }

      @Override
      public void throttlingSeen() {
        // read at the next scrape
      }

      @Override
      public void close() {
        breakers.remove(series, labelled);
      }
    };
  }

  @Override
  public List<String> getPrometheusNames() {
    return NAMES;
  }

  /** One scrape at a time, which also guards each breaker's sets made on first use. */
  @Override
  public synchronized MetricSnapshots collect() {
    GaugeSnapshot.Builder state = GaugeSnapshot.builder().name(STATE)
        .help("0 closed, 1 open, 2 half_open, 3 disabled, 4 forced_open");
    CounterSnapshot.Builder requests = CounterSnapshot.builder().name(REQUESTS).help("Calls through the breaker by result");
    CounterSnapshot.Builder transitions = CounterSnapshot.builder().name(TRANSITIONS).help("State changes");
    GaugeSnapshot.Builder durations = GaugeSnapshot.builder().name(STATE_DURATION)
        .help("Seconds spent in each state since the breaker started");
    GaugeSnapshot.Builder failureRate = GaugeSnapshot.builder().name(FAILURE_RATE)
        .help("Failed share of the calls in the breaker's window");
    GaugeSnapshot.Builder slowCallRate = GaugeSnapshot.builder().name(SLOW_CALL_RATE)
        .help("Slow share of the calls in the breaker's window");
    SummarySnapshot.Builder latency = SummarySnapshot.builder().name(LATENCY)
        .help("Latency of the calls the breaker ran, as of its latest snapshot");
    CounterSnapshot.Builder fallbacks = CounterSnapshot.builder().name(FALLBACKS).help("Calls answered by a fallback");
    GaugeSnapshot.Builder keys = GaugeSnapshot.builder().name(KEYS)
        .help("Keys a keyed family knows (tracked) and those of them not closed");
    CounterSnapshot.Builder forgotten = CounterSnapshot.builder().name(KEYS_FORGOTTEN)
        .help("Keys a keyed family forgot: beyond max_keys (size) or idle for idle_expiry (idle)");
    GaugeSnapshot.Builder keyOpen = GaugeSnapshot.builder().name(KEY_OPEN)
        .help("1 for each of a keyed family's most recently opened keys, at most " + BreakerMeters.TOP_KEYS);
    GaugeSnapshot.Builder limit = GaugeSnapshot.builder().name(CONCURRENCY_LIMIT)
        .help("The adaptive concurrency limit, as of the breaker's latest snapshot");
    GaugeSnapshot.Builder inFlight = GaugeSnapshot.builder().name(CONCURRENCY_INFLIGHT)
        .help("Calls in flight under the adaptive concurrency limit, as of the breaker's latest snapshot");
    CounterSnapshot.Builder retries = CounterSnapshot.builder().name(RETRIES)
        .help("Failed attempts tried again (retried) and those the retry budget refused (budget_exhausted)");
    GaugeSnapshot.Builder refusedShare = GaugeSnapshot.builder().name(THROTTLING_REFUSED_SHARE)
        .help("Share of calls the throttling state refuses, as of the breaker's latest snapshot");
    // in label order, so that the snapshots' own sort of their data points finds them sorted
    List<Labelled> sorted = new ArrayList<>(breakers.values());
    sorted.sort(BY_LABELS);
    for (Labelled l : sorted) {
      BreakerMeters m = l.meters;
      Labels labels = l.labels();
      state.dataPoint(gauge(labels, m.stateCode()));
      failureRate.dataPoint(gauge(labels, m.failureRate()));
      slowCallRate.dataPoint(gauge(labels, m.slowCallRate()));
      for (int i = 0; i < RESULTS_BY_LABEL.size(); i++) {
        requests.dataPoint(counter(l.result(i), m.requests(RESULTS_BY_LABEL.get(i))));
      }
      for (BreakerState s : STATES_BY_LABEL) {
        // a state the breaker has never been in has no series (10,000 breakers made 40,000 zeros)
        if (m.hasBeenIn(s)) {
          durations.dataPoint(gauge(l.state(s), m.secondsIn(s)));
        }
      }
      m.forEachTransition((from, to, n) -> transitions.dataPoint(counter(l.transition(from, to), n)));
      m.forEachFallback((type, n) -> fallbacks.dataPoint(counter(l.fallback(type), n)));
      long[] k = m.keys();
      if (k != null) {
        Labels[] byKeys = l.keys();
        keys.dataPoint(gauge(byKeys[0], k[1]));
        keys.dataPoint(gauge(byKeys[1], k[0]));
        forgotten.dataPoint(counter(byKeys[2], k[3]));
        forgotten.dataPoint(counter(byKeys[3], k[2]));
        for (String key : m.topKeys()) {
          keyOpen.dataPoint(gauge(labels.add("key", key), 1));
        }
      }
      int[] c = m.concurrency();
      if (c != null) {
        limit.dataPoint(gauge(labels, c[0]));
        inFlight.dataPoint(gauge(labels, c[1]));
      }
      if (m.hasRetried()) {
        Labels[] byResult = l.retries();
        retries.dataPoint(counter(byResult[0], m.retries(false)));
        retries.dataPoint(counter(byResult[1], m.retries(true)));
      }
      double refused = m.throttlingRefusedShare();
      if (!Double.isNaN(refused)) {
        refusedShare.dataPoint(gauge(labels, refused));
      }
      LatencyFigures f = m.latencyFigures();
      latency.dataPoint(SummaryDataPointSnapshot.builder().labels(labels)
          .quantiles(Quantiles.of(new Quantile(0.5, f.p50Seconds()), new Quantile(0.95, f.p95Seconds()),
              new Quantile(0.99, f.p99Seconds())))
          .count(f.count()).sum(f.sumSeconds()).build());
    }
    return MetricSnapshots.of(state.build(), requests.build(), transitions.build(), durations.build(),
        failureRate.build(), slowCallRate.build(), latency.build(), fallbacks.build(), keys.build(), forgotten.build(),
        keyOpen.build(), limit.build(), inFlight.build(), retries.build(), refusedShare.build());
  }

  private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
    return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
  }

  private static CounterDataPointSnapshot counter(Labels labels, long value) {
    return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
  }
}
