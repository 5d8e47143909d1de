package io.fusebox.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.fusebox.metrics.BreakerMeters.Result;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every family of DESIGN.md's breaker metrics, as one collector writes them from the breakers'
 * numbers at scrape time; and the same numbers through Micrometer's function meters elsewhere.
 */
class PrometheusBreakersTest {

  @Test
  void everyFamilyIsWrittenFromTheBreakersNumbers() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BreakerMeters pay = new BreakerMeters(registry, "pay", "n1", List.of("cache"));
    pay.call(Result.SUCCESS);
    pay.call(Result.SUCCESS);
    pay.calls(Result.REJECTED, 3);
    pay.fallback("cache");
    pay.fallback("static");
    pay.transition(BreakerState.CLOSED, BreakerState.OPEN);
    pay.transition(BreakerState.OPEN, BreakerState.HALF_OPEN);
    pay.transition(BreakerState.HALF_OPEN, BreakerState.OPEN);
    pay.transition(BreakerState.OPEN, BreakerState.HALF_OPEN);
    pay.snapshot(new BreakerSnapshot("pay", BreakerState.HALF_OPEN, 0, 2, 0, 0, 3, 0, 0.5, 0.25, 4, 1, 2, 3, 1000, 0, 0, 0));

    String text = registry.scrape();

    assertThat(text)
        .contains("circuit_breaker_requests_total{name=\"pay\",node=\"n1\",result=\"success\"} 2")
        .contains("circuit_breaker_requests_total{name=\"pay\",node=\"n1\",result=\"rejected\"} 3")
        .contains("circuit_breaker_requests_total{name=\"pay\",node=\"n1\",result=\"timeout\"} 0")
        .contains("circuit_breaker_fallback_executions_total{name=\"pay\",node=\"n1\",type=\"cache\"} 1")
        .contains("circuit_breaker_fallback_executions_total{name=\"pay\",node=\"n1\",type=\"static\"} 1")
        .contains("circuit_breaker_transitions_total{from=\"open\",name=\"pay\",node=\"n1\",to=\"half_open\"} 2")
        .contains("circuit_breaker_transitions_total{from=\"closed\",name=\"pay\",node=\"n1\",to=\"open\"} 1")
        .doesNotContain("to=\"closed\"")
        .contains("circuit_breaker_state{name=\"pay\",node=\"n1\"} 2")
        .contains("circuit_breaker_failure_rate{name=\"pay\",node=\"n1\"} 0.5")
        .contains("circuit_breaker_slow_call_rate{name=\"pay\",node=\"n1\"} 0.25")
        .contains("circuit_breaker_state_duration_seconds{name=\"pay\",node=\"n1\",state=\"half_open\"}")
        .contains("circuit_breaker_state_duration_seconds{name=\"pay\",node=\"n1\",state=\"closed\"}")
        .as("no series for a state the breaker has never been in").doesNotContain("state=\"forced_open\"")
        .containsOnlyOnce("# TYPE circuit_breaker_requests_total counter")
        .containsOnlyOnce("# TYPE circuit_breaker_state gauge");
  }

  @Test
  void aBreakerDeployedAgainTakesThePlaceOfTheOldAndLeavesWithItsClose() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BreakerMeters first = new BreakerMeters(registry, "pay", "n1", List.of());
    first.call(Result.FAILURE);
    BreakerMeters second = new BreakerMeters(registry, "pay", "n1", List.of());
    BreakerMeters other = new BreakerMeters(registry, "ship", "n1", List.of());

    assertThat(registry.scrape()).contains("circuit_breaker_requests_total{name=\"pay\",node=\"n1\",result=\"failure\"} 0");
    first.close();
    assertThat(registry.scrape()).as("the old one's close leaves the new one")
        .contains("circuit_breaker_state{name=\"pay\",node=\"n1\"} 0");
    second.close();
    assertThat(registry.scrape()).doesNotContain("name=\"pay\"").contains("name=\"ship\"");
    other.close();
  }

  @Test
  void aKeyedFamilyShowsItsKeyCountsAndNoSeriesPerKey() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BreakerMeters plain = new BreakerMeters(registry, "pay", "n1", List.of());
    BreakerMeters tenants = new BreakerMeters(registry, "tenants", "n1", List.of());
    assertThat(registry.scrape()).as("before the first key counts").doesNotContain("circuit_breaker_keys");
    List<String> opened = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      opened.add("t" + i);
    }
    tenants.keys(100_000, 1_000, 20, 300, opened);

    assertThat(registry.scrape())
        .contains("circuit_breaker_keys{name=\"tenants\",node=\"n1\",state=\"tracked\"} 100000")
        .contains("circuit_breaker_keys{name=\"tenants\",node=\"n1\",state=\"not_closed\"} 1000")
        .contains("circuit_breaker_keys_forgotten_total{cause=\"size\",name=\"tenants\",node=\"n1\"} 20")
        .contains("circuit_breaker_keys_forgotten_total{cause=\"idle\",name=\"tenants\",node=\"n1\"} 300")
        .contains("circuit_breaker_key_open{key=\"t0\",name=\"tenants\",node=\"n1\"} 1")
        .contains("circuit_breaker_key_open{key=\"t9\",name=\"tenants\",node=\"n1\"} 1")
        .doesNotContain("key=\"t10\"")
        .doesNotContain("circuit_breaker_keys{name=\"pay\"");
    plain.close();
    tenants.close();
  }

  @Test
  void retriesAndTheThrottlingStateHaveSeriesOnlyOnceTheBreakerHasThem() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    BreakerMeters pay = new BreakerMeters(registry, "pay", "n1", List.of());
    assertThat(registry.scrape()).as("a breaker that never retried nor throttled")
        .doesNotContain("circuit_breaker_retries_total{").doesNotContain("circuit_breaker_throttling_refused_share{");

    pay.retry(true);
    pay.retry(true);
    pay.retry(false);
    pay.throttling(0.25);

    assertThat(registry.scrape())
        .contains("circuit_breaker_retries_total{name=\"pay\",node=\"n1\",result=\"retried\"} 2")
        .contains("circuit_breaker_retries_total{name=\"pay\",node=\"n1\",result=\"budget_exhausted\"} 1")
        .contains("circuit_breaker_throttling_refused_share{name=\"pay\",node=\"n1\"} 0.25")
        .containsOnlyOnce("# TYPE circuit_breaker_retries_total counter");
    pay.throttling(0);
    assertThat(registry.scrape()).as("a throttling state that ended shows 0, not nothing")
        .contains("circuit_breaker_throttling_refused_share{name=\"pay\",node=\"n1\"} 0");
    pay.close();
  }

  @Test
  void otherRegistriesReadTheSameNumbersThroughFunctionMeters() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    BreakerMeters pay = new BreakerMeters(registry, "pay", "n1", List.of("cache"));
    pay.call(Result.TIMEOUT);
    pay.fallback("cache");
    pay.fallback("static");
    pay.transition(BreakerState.CLOSED, BreakerState.FORCED_OPEN);

    assertThat(registry.get("circuit_breaker_requests").tag("result", "timeout").functionCounter().count()).isEqualTo(1);
    assertThat(registry.get("circuit_breaker_fallback_executions").tag("type", "static").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get("circuit_breaker_transitions").tag("to", "forced_open").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get("circuit_breaker_state").gauge().value()).isEqualTo(4);
    pay.keys(7, 2, 0, 1, List.of("acme"));
    assertThat(registry.get("circuit_breaker_keys").tag("state", "tracked").gauge().value()).isEqualTo(7);
    assertThat(registry.get("circuit_breaker_keys_forgotten").tag("cause", "idle").functionCounter().count())
        .isEqualTo(1);
    pay.retry(false);
    pay.throttling(0.5);
    assertThat(registry.get("circuit_breaker_retries").tag("result", "budget_exhausted").functionCounter().count())
        .isEqualTo(1);
    assertThat(registry.get("circuit_breaker_retries").tag("result", "retried").functionCounter().count()).isZero();
    assertThat(registry.get("circuit_breaker_throttling_refused_share").gauge().value()).isEqualTo(0.5);
    pay.close();
    assertThat(registry.getMeters()).isEmpty();
  }
}
