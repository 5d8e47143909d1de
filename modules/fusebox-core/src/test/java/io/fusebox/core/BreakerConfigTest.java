package io.fusebox.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.list;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BreakerConfigTest {

  @Test
  void defaultsAreThoseOfTheDesign() {
    BreakerConfig c = BreakerConfig.defaults();
    assertThat(c.consecutiveFailures().threshold()).isEqualTo(5);
    assertThat(c.failureRate().threshold()).isEqualTo(0.5);
    assertThat(c.failureRate().minimumCalls()).isEqualTo(10);
    assertThat(c.failureRate().window().type()).isEqualTo(BreakerConfig.WindowType.TIME_BASED);
    assertThat(c.failureRate().window().duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.slowCalls().threshold()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.slowCalls().rateThreshold()).isEqualTo(0.5);
    assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.bulkhead()).isEqualTo(new BreakerConfig.Bulkhead(256, 1024));
    assertThat(c.transitions()).isEqualTo(new BreakerConfig.Transitions(Duration.ofSeconds(30), true, 2.0,
        Duration.ofSeconds(45), 0.0));
    assertThat(c.consecutiveFailures().noiseAware()).isTrue();
    assertThat(c.recovery()).isEqualTo(new BreakerConfig.Recovery(3, 3, false));
  }

  @Test
  void overloadAndRetryProblemsNameTheirKeys() {
    assertThatThrownBy(() -> BreakerConfig.builder()
        .adaptiveConcurrency(true).minLimit(0).maxLimit(-1).initialLimit(5).probeInterval(Duration.ofMillis(500))
        .shares(new BreakerConfig.Shares(0.9, -0.1, 0.5))
        .throttling(true).throttlingThreshold(0).throttlingWindow(Duration.ofMinutes(5))
        .maxAttempts(11).retryBackoff(Duration.ZERO).retryJitter(-1).attemptTimeout(Duration.ZERO)
        .retryBudgetRatio(11).retryBudgetMinPerSecond(-1)
        .build())
        .isInstanceOf(InvalidBreakerConfigException.class)
        .extracting(e -> ((InvalidBreakerConfigException) e).problems(), list(String.class))
        .containsExactly(
            "overload.concurrency.min_limit: out of range (got 0, expected an integer >= 1)",
            "overload.concurrency.max_limit: below min_limit (got -1, expected >= 0)",
            "overload.concurrency.initial_limit: outside min_limit..max_limit (got 5, expected 0..-1)",
            "overload.concurrency.probe_interval: too short to keep the limit near capacity (got 500ms, expected >= 1s)",
            "overload.concurrency.shares.normal: out of range (got -0.1, expected a share in [0, 1])",
            "overload.concurrency.shares: more than the whole limit (got 1.3, expected shares adding up to at most 1)",
            "overload.throttling.threshold: out of range (got 0.0, expected a failure share in (0, 1))",
            "overload.throttling.window: not a whole number of seconds up to 2m (got 5m, expected 1s..2m in whole seconds)",
            "retry.max_attempts: out of range (got 11, expected an integer in 1..10)",
            "retry.backoff: not a positive duration (got 0ms, expected a duration > 0)",
            "retry.jitter: out of range (got -1.0, expected a number in [0, 1])",
            "retry.attempt_timeout: not a positive duration (got 0ms, expected a duration > 0)",
            "retry.budget.ratio: out of range (got 11.0, expected a number in [0, 10])",
            "retry.budget.min_per_second: out of range (got -1.0, expected a number >= 0)");
    assertThatThrownBy(() -> BreakerConfig.builder().maxAttempts(2).retryOn(false, false).build())
        .hasMessageContaining("retry.on: empty, so nothing would be retried");
  }

  @Test
  void overloadAndRetrySettingsSurviveToBuilder() {
    BreakerConfig c = BreakerConfig.builder().adaptiveConcurrency(true).initialLimit(8).minLimit(4).maxLimit(64)
        .probeInterval(Duration.ofSeconds(30)).share(Priority.SHEDDABLE, 0.05).share(Priority.CRITICAL, 0.6)
        .share(Priority.NORMAL, 0.2).throttling(true).throttlingThreshold(0.3).throttlingWindow(Duration.ofSeconds(20))
        .maxAttempts(3).retryBackoff(Duration.ofMillis(20)).retryJitter(0.1).retryOn(true, false)
        .retryIdempotentOnly(false).attemptTimeout(Duration.ofMillis(300)).retryBudgetRatio(0.2)
        .retryBudgetMinPerSecond(5).retryClusterBudget(true).build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.overload().concurrency().shares()).isEqualTo(new BreakerConfig.Shares(0.6, 0.2, 0.05));
    assertThat(c.retry().enabled()).isTrue();
    assertThat(BreakerConfig.defaults().retry().enabled()).as("off unless asked").isFalse();
    assertThat(BreakerConfig.defaults().overload().concurrency().adaptive()).isFalse();
    assertThat(BreakerConfig.defaults().overload().throttling().enabled()).isFalse();
  }

  @Test
  void prioritiesReadTheirWireNames() {
    for (Priority p : Priority.all()) {
      assertThat(Priority.fromWireName(p.wireName())).isSameAs(p);
    }
    assertThat(Priority.fromWireName("urgent")).isNull();
  }

  @Test
  void everyInvalidValueIsReportedAtOnceWithFieldValueAndRule() {
    assertThatThrownBy(() -> BreakerConfig.builder()
        .consecutiveFailures(0)
        .failureRate(1.5)
        .minimumCalls(20)
        .countWindow(10)
        .slowCalls(Duration.ofMillis(-5), 0.0)
        .callTimeout(Duration.ZERO)
        .maxConcurrentCalls(0)
        .maxWaitQueue(-1)
        .openTimeout(Duration.ofSeconds(30))
        .maxOpenTimeout(Duration.ofSeconds(10))
        .backoffMultiplier(0.5)
        .jitter(1.5)
        .permittedProbes(0)
        .successThreshold(0)
        .build())
        .isInstanceOf(InvalidBreakerConfigException.class)
        .extracting(e -> ((InvalidBreakerConfigException) e).problems(), list(String.class))
        .containsExactly(
            "detection.consecutive_failures.threshold: out of range (got 0, expected an integer >= 1)",
            "detection.failure_rate.threshold: out of range (got 1.5, expected a rate in (0, 1])",
            "detection.failure_rate.window.size: smaller than minimum_calls, so rates could never be judged (got 10, expected >= 20)",
            "detection.slow_calls.threshold: not a positive duration (got -5ms, expected a duration > 0)",
            "detection.slow_calls.rate_threshold: out of range (got 0.0, expected a rate in (0, 1])",
            "detection.call_timeout: not a positive duration (got 0ms, expected a duration > 0)",
            "bulkhead.max_concurrent_calls: out of range (got 0, expected an integer >= 1)",
            "bulkhead.max_wait_queue: out of range (got -1, expected an integer >= 0)",
            "transitions.backoff_multiplier: out of range (got 0.5, expected a finite number >= 1.0)",
            "transitions.max_open_timeout: shorter than open_timeout (got 10s, expected >= 30s)",
            "transitions.jitter: out of range (got 1.5, expected a number in [0, 1])",
            "recovery.permitted_probes: out of range (got 0, expected an integer in 1..1000)",
            "recovery.success_threshold: out of range (got 0, expected an integer >= 1)");
  }

  @Test
  void timeWindowsAreWholeSecondsUpToAnHour() {
    assertThatThrownBy(() -> BreakerConfig.builder().timeWindow(Duration.ofMillis(1500)).build())
        .hasMessage("detection.failure_rate.window.duration: not a whole number of seconds up to 1h (got 1500ms, expected 1s..1h in whole seconds)");
    assertThatThrownBy(() -> BreakerConfig.builder().timeWindow(Duration.ofHours(2)).build())
        .hasMessageContaining("got 2h");
    assertThat(BreakerConfig.builder().timeWindow(Duration.ofHours(1)).build().failureRate().window().duration())
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void presetsAreValidAndDistinct() {
    assertThat(Presets.names()).containsExactly("aggressive", "default", "lenient");
    assertThat(Presets.get("default")).isEqualTo(BreakerConfig.defaults());
    assertThat(Presets.get("aggressive").consecutiveFailures().threshold()).isLessThan(5);
    assertThat(Presets.get("lenient").failureRate().threshold()).isGreaterThan(0.5);
    assertThatThrownBy(() -> Presets.get("reckless"))
        .hasMessage("unknown preset 'reckless' (expected one of [aggressive, default, lenient])");
  }

  @Test
  void toBuilderKeepsEveryValue() {
    BreakerConfig aggressive = Presets.get("aggressive");
    assertThat(aggressive.toBuilder().build()).isEqualTo(aggressive);
  }

  @Test
  void durationsParseAndFormatTheConfigNotation() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThatThrownBy(() -> Durations.parse("ten seconds")).hasMessageContaining("not a duration: 'ten seconds'");
  }
}
