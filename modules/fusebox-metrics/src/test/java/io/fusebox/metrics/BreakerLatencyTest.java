package io.fusebox.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The latency of a breaker's calls reaches the registry at its snapshots: a Prometheus summary with
 * the breaker's own quantiles, or a function timer elsewhere; and leaves it with the breaker.
 */
class BreakerLatencyTest {

  @Test
  void prometheusShowsOneSummaryWithTheQuantilesAndTotalsOfTheLatestSnapshot() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BreakerMeters pay = new BreakerMeters(registry, "pay", "n1", List.of());
    BreakerMeters ship = new BreakerMeters(registry, "ship", "n1", List.of());
    pay.latency(TimeUnit.MILLISECONDS.toNanos(20));
    pay.latency(TimeUnit.MILLISECONDS.toNanos(30));

    assertThat(registry.scrape()).as("before the first snapshot")
        .contains("circuit_breaker_latency_seconds_count{name=\"pay\",node=\"n1\"} 0");
    pay.snapshot(snapshot("pay", 25, 29, 30));
    ship.snapshot(snapshot("ship", 0, 0, 0));

    String exposition = registry.scrape();
    assertThat(exposition).containsOnlyOnce("# TYPE circuit_breaker_latency_seconds summary")
        .contains("circuit_breaker_latency_seconds{name=\"pay\",node=\"n1\",quantile=\"0.5\"} 0.025")
        .contains("circuit_breaker_latency_seconds{name=\"pay\",node=\"n1\",quantile=\"0.95\"} 0.029")
        .contains("circuit_breaker_latency_seconds{name=\"pay\",node=\"n1\",quantile=\"0.99\"} 0.03")
        .contains("circuit_breaker_latency_seconds_count{name=\"pay\",node=\"n1\"} 2")
        .contains("circuit_breaker_latency_seconds_sum{name=\"pay\",node=\"n1\"} 0.05")
        .contains("circuit_breaker_latency_seconds_count{name=\"ship\",node=\"n1\"} 0");

    pay.close();
    assertThat(registry.scrape()).doesNotContain("name=\"pay\"").contains("name=\"ship\"");
  }

  @Test
  void otherRegistriesGetTheCountAndSumAsAFunctionTimer() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BreakerMeters meters = new BreakerMeters(registry, "pay", "n1", List.of());
    meters.latency(TimeUnit.MILLISECONDS.toNanos(40));
    meters.snapshot(snapshot("pay", 40, 40, 40));

    FunctionTimer timer = registry.find("circuit_breaker_latency").tag("name", "pay").functionTimer();
    assertThat(timer).isNotNull();
    assertThat(timer.count()).isEqualTo(1.0);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
    meters.close();
    assertThat(registry.find("circuit_breaker_latency").functionTimer()).isNull();
  }

  private static BreakerSnapshot snapshot(String breaker, double p50, double p95, double p99) {
    return new BreakerSnapshot(breaker, BreakerState.CLOSED, 0, 2, 0, 0, 0, 0, 0, 0, 2, p50, p95, p99, 1000, 0, 0, 0);
  }
}
