package io.fusebox.metrics;

import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * The Prometheus meters of one breaker instance, named as in DESIGN.md (label {@code name} the
 * breaker, plus {@code node}). Written on the breaker's event loop, read by whatever thread scrapes.
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
 * </pre>
 *
 * <p>The latency summary changes at each of the breaker's snapshots, not at each call: its quantiles
 * are the breaker's own (see {@link LatencySummaries}). Registries other than Prometheus get its
 * count and sum as a function timer.
 */
public final class BreakerMeters {

  /** How a call ended, for {@code circuit_breaker_requests_total}. */
  public enum Result {
    SUCCESS, FAILURE, REJECTED, TIMEOUT, IGNORED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final EnumMap<Result, Counter> requests = new EnumMap<>(Result.class);
  private final Map<String, Counter> fallbacks = new HashMap<>();
  private final Map<String, Counter> transitions = new HashMap<>();
  private final Runnable removeLatency;
  /** Calls timed and their total nanoseconds, counted on the breaker's event loop. */
  private long latencyCount;
  private long latencyNanos;
  private volatile LatencyFigures latency = LatencyFigures.NONE;
  /** Milliseconds spent in each state before the current one, by {@link BreakerState#code()}. */
  private final AtomicLongArray msInEarlierPeriods = new AtomicLongArray(BreakerState.values().length);
  private volatile BreakerState state;
  private volatile long stateSinceNanos = System.nanoTime();
  private volatile double failureRate;
  private volatile double slowCallRate;

  public BreakerMeters(MeterRegistry registry, String breaker, String node, List<String> fallbackTypes) {
    this.registry = registry;
    this.tags = Tags.of("name", breaker, "node", node);
    this.state = BreakerState.CLOSED;
    for (Result r : Result.values()) {
      requests.put(r, keep(Counter.builder("circuit_breaker_requests").description("Calls through the breaker by result")
          .tags(tags).tag("result", r.label()).register(registry)));
    }
    for (String type : fallbackTypes) {
      fallbacks.put(type, fallbackCounter(type));
    }
    removeLatency = registerLatency(breaker, node);
    keep(Gauge.builder("circuit_breaker_state", this, m -> m.state.code())
        .description("0 closed, 1 open, 2 half_open, 3 disabled, 4 forced_open").tags(tags).register(registry));
    keep(Gauge.builder("circuit_breaker_failure_rate", this, m -> m.failureRate)
        .description("Failed share of the calls in the breaker's window").tags(tags).register(registry));
    keep(Gauge.builder("circuit_breaker_slow_call_rate", this, m -> m.slowCallRate)
        .description("Slow share of the calls in the breaker's window").tags(tags).register(registry));
    for (BreakerState s : BreakerState.values()) {
      keep(Gauge.builder("circuit_breaker_state_duration_seconds", this, m -> m.millisIn(s) / 1000.0)
          .description("Seconds spent in each state since the breaker started").tags(tags).tag("state", s.wireName())
          .register(registry));
    }
  }

  private Runnable registerLatency(String breaker, String node) {
    Supplier<LatencyFigures> figures = () -> latency;
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      LatencySummaries summaries = LatencySummaries.in(prometheus.getPrometheusRegistry());
      Labels labels = Labels.of("name", breaker, "node", node);
      summaries.add(labels, figures);
      return () -> summaries.remove(labels, figures);
    }
    keep(FunctionTimer.builder("circuit_breaker_latency", this, m -> m.latency.count(), m -> m.latency.sumSeconds(),
        TimeUnit.SECONDS).description("Latency of the calls the breaker ran").tags(tags).register(registry));
    return () -> { };
  }

  private <M extends Meter> M keep(M meter) {
    meters.add(meter);
    return meter;
  }

  private Counter fallbackCounter(String type) {
    return keep(Counter.builder("circuit_breaker_fallback_executions").description("Calls answered by a fallback")
        .tags(tags).tag("type", type).register(registry));
  }

  public void call(Result result) {
    requests.get(result).increment();
  }

  /** Calls counted elsewhere and reported in bulk (an in-process breaker, at each of its snapshots). */
  public void calls(Result result, long count) {
    if (count > 0) {
      requests.get(result).increment(count);
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
    fallbacks.computeIfAbsent(type, this::fallbackCounter).increment();
  }

  public void transition(BreakerState from, BreakerState to) {
    transitions.computeIfAbsent(from.wireName() + ">" + to.wireName(), k -> keep(Counter.builder("circuit_breaker_transitions")
        .description("State changes").tags(tags).tag("from", from.wireName()).tag("to", to.wireName())
        .register(registry))).increment();
    long now = System.nanoTime();
    msInEarlierPeriods.addAndGet(from.code(), TimeUnit.NANOSECONDS.toMillis(now - stateSinceNanos));
    stateSinceNanos = now;
    state = to;
  }

  /** The state a breaker was restored in after a restart, which it did not reach by a transition. */
  public void restored(BreakerState state) {
    this.state = state;
    this.stateSinceNanos = System.nanoTime();
  }

  /** Takes the rates of the latest snapshot. */
  public void snapshot(BreakerSnapshot snapshot) {
    failureRate = snapshot.failureRate();
    slowCallRate = snapshot.slowCallRate();
    latency = new LatencyFigures(latencyCount, latencyNanos / 1e9, snapshot.p50Millis() / 1e3,
        snapshot.p95Millis() / 1e3, snapshot.p99Millis() / 1e3);
  }

  private double millisIn(BreakerState s) {
    long earlier = msInEarlierPeriods.get(s.code());
    return state == s ? earlier + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stateSinceNanos) : earlier;
  }

  /** Takes this breaker's meters out of the registry, when its verticle is undeployed. */
  public void close() {
    meters.forEach(registry::remove);
    removeLatency.run();
  }
}
