package io.fusebox.metrics;

import io.fusebox.core.BreakerState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A breaker's figures in a registry other than Prometheus (a user's own in library mode, a test's
 * simple registry): Micrometer function meters that read {@link BreakerMeters} when published.
 * The names are Micrometer's, which a Prometheus registry would turn into DESIGN.md's.
 */
final class MicrometerBreakers implements BreakerMeters.Exposition {

  private static final String RETRIES =
      "Failed attempts tried again (retried) and those the retry budget refused (budget_exhausted)";

  private final MeterRegistry registry;
  private final BreakerMeters meters;
  private final Tags tags;
  private final List<Meter> registered = new CopyOnWriteArrayList<>();

  MicrometerBreakers(MeterRegistry registry, BreakerMeters meters) {
    this.registry = registry;
    this.meters = meters;
    this.tags = Tags.of("name", meters.breaker(), "node", meters.node());
    for (BreakerMeters.Result r : BreakerMeters.Result.all()) {
      keep(FunctionCounter.builder("circuit_breaker_requests", meters, m -> m.requests(r))
          .description("Calls through the breaker by result").tags(tags).tag("result", r.label()).register(registry));
    }
    keep(Gauge.builder("circuit_breaker_state", meters, BreakerMeters::stateCode)
        .description("0 closed, 1 open, 2 half_open, 3 disabled, 4 forced_open").tags(tags).register(registry));
    keep(Gauge.builder("circuit_breaker_failure_rate", meters, BreakerMeters::failureRate)
        .description("Failed share of the calls in the breaker's window").tags(tags).register(registry));
    keep(Gauge.builder("circuit_breaker_slow_call_rate", meters, BreakerMeters::slowCallRate)
        .description("Slow share of the calls in the breaker's window").tags(tags).register(registry));
    for (BreakerState s : BreakerState.values()) {
      keep(Gauge.builder("circuit_breaker_state_duration_seconds", meters, m -> m.secondsIn(s))
          .description("Seconds spent in each state since the breaker started").tags(tags).tag("state", s.wireName())
          .register(registry));
    }
    keep(FunctionTimer.builder("circuit_breaker_latency", meters, m -> m.latencyFigures().count(),
        m -> m.latencyFigures().sumSeconds(), TimeUnit.SECONDS).description("Latency of the calls the breaker ran")
        .tags(tags).register(registry));
    meters.forEachFallback((type, n) -> fallbackSeen(type));
  }

  @Override
  public void transitionSeen(BreakerState from, BreakerState to) {
    keep(FunctionCounter.builder("circuit_breaker_transitions", meters, m -> m.transitions(from, to))
        .description("State changes").tags(tags).tag("from", from.wireName()).tag("to", to.wireName())
        .register(registry));
  }

  @Override
  public void fallbackSeen(String type) {
    keep(FunctionCounter.builder("circuit_breaker_fallback_executions", meters, m -> m.fallbacks(type))
        .description("Calls answered by a fallback").tags(tags).tag("type", type).register(registry));
  }

  @Override
  public void keyedSeen() {
    String[] states = {"tracked", "not_closed"};
    for (int i = 0; i < states.length; i++) {
      int at = i;
      keep(Gauge.builder("circuit_breaker_keys", meters, m -> m.keys()[at])
          .description("Keys a keyed family knows (tracked) and those of them not closed").tags(tags)
          .tag("state", states[i]).register(registry));
    }
    String[] causes = {"size", "idle"};
    for (int i = 0; i < causes.length; i++) {
      int at = i + 2;
      keep(FunctionCounter.builder("circuit_breaker_keys_forgotten", meters, m -> m.keys()[at])
          .description("Keys a keyed family forgot").tags(tags).tag("cause", causes[i]).register(registry));
    }
  }

  @Override
  public void concurrencySeen() {
    keep(Gauge.builder("circuit_breaker_concurrency_limit", meters, m -> m.concurrency()[0])
        .description("The adaptive concurrency limit").tags(tags).register(registry));
    keep(Gauge.builder("circuit_breaker_concurrency_inflight", meters, m -> m.concurrency()[1])
        .description("Calls in flight under the adaptive concurrency limit").tags(tags).register(registry));
  }

  @Override
  public void retriesSeen() {
    keep(FunctionCounter.builder("circuit_breaker_retries", meters, m -> m.retries(true))
        .description(RETRIES).tags(tags).tag("result", "retried").register(registry));
    keep(FunctionCounter.builder("circuit_breaker_retries", meters, m -> m.retries(false))
        .description(RETRIES).tags(tags).tag("result", "budget_exhausted").register(registry));
  }

  @Override
  public void throttlingSeen() {
    keep(Gauge.builder("circuit_breaker_throttling_refused_share", meters, BreakerMeters::throttlingRefusedShare)
        .description("Share of calls the throttling state refuses").tags(tags).register(registry));
  }

  private void keep(Meter meter) {
    registered.add(meter);
  }

  @Override
  public void close() {
    registered.forEach(registry::remove);
  }
}
