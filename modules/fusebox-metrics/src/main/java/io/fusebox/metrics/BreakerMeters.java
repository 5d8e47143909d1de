package io.fusebox.metrics;

import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

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
 */
public final class BreakerMeters {

  /** How a call ended, for {@code circuit_breaker_requests_total}. */
  public enum Result {
    SUCCESS, FAILURE, REJECTED, TIMEOUT, IGNORED;

    String label() {
      return name().toLowerCase();
    }
  }

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  private final EnumMap<Result, Counter> requests = new EnumMap<>(Result.class);
  private final Map<String, Counter> fallbacks = new HashMap<>();
  private final Map<String, Counter> transitions = new HashMap<>();
  private final Timer latency;
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
    latency = keep(Timer.builder("circuit_breaker_latency").description("Latency of the calls the breaker ran")
        .tags(tags).publishPercentiles(0.5, 0.95, 0.99).register(registry));
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

  /** The duration of a call that ran (not of a rejection). */
  public void latency(long nanos) {
    latency.record(nanos, TimeUnit.NANOSECONDS);
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
  }

  private double millisIn(BreakerState s) {
    long earlier = msInEarlierPeriods.get(s.code());
    return state == s ? earlier + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stateSinceNanos) : earlier;
  }

  /** Takes this breaker's meters out of the registry, when its verticle is undeployed. */
  public void close() {
    meters.forEach(registry::remove);
  }
}
