package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A keyed family taking a new configuration in place, without a node around it. */
class KeyedFamilyReloadTest {

  private static final String BY = "header:fusebox-key";
  private final BreakerConfig tripsAtOne = BreakerTestSupport.quiet().consecutiveFailures(1)
      .openTimeout(Duration.ofSeconds(30)).build();
  private final KeyedFamily family = new KeyedFamily("tenants", tripsAtOne,
      new FuseboxConfig.Keyed(BY, 100, Duration.ofMinutes(10)),
      new CircuitBreaker("tenants", tripsAtOne, CoarseClock.shared()), (key, t) -> { });

  private static void fail(CircuitBreaker key) {
    key.onFailure(key.tryAcquire(), 1_000_000);
  }

  @Test
  void knownKeysKeepTheirStatesUnderTheNewRulesAndASmallerMaxKeysForgetsTheLeastRecentlyUsed() {
    for (int i = 0; i < 10; i++) {
      family.judgeFor("k" + i);
    }
    for (int i = 7; i < 10; i++) {
      fail(family.judgeFor("k" + i));
    }
    BreakerConfig tripsAtTwo = BreakerTestSupport.quiet().consecutiveFailures(2).openTimeout(Duration.ofSeconds(30)).build();

    family.reconfigure(tripsAtTwo, new FuseboxConfig.Keyed(BY, 5, Duration.ofMinutes(10)));

    assertThat(family.tracked()).isEqualTo(5);
    assertThat(family.evicted()).as("forgotten for the new max_keys").isEqualTo(5);
    for (int i = 7; i < 10; i++) {
      assertThat(family.judgeFor("k" + i).state()).as("k" + i + " open before, open after").isEqualTo(BreakerState.OPEN);
    }
    CircuitBreaker k5 = family.judgeFor("k5");
    fail(k5);
    assertThat(k5.state()).as("one failure no longer trips a kept key").isEqualTo(BreakerState.CLOSED);
    fail(k5);
    assertThat(k5.state()).isEqualTo(BreakerState.OPEN);
    CircuitBreaker fresh = family.judgeFor("new");
    fail(fresh);
    assertThat(fresh.state()).as("a key made after the reload has the new rules too").isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void aNewKeySourceForgetsEveryKey() {
    fail(family.judgeFor("acme"));
    family.judgeFor("globex");

    family.reconfigure(tripsAtOne, new FuseboxConfig.Keyed("http_host", 100, Duration.ofMinutes(10)));

    assertThat(family.tracked()).isZero();
    assertThat(family.notClosedCount()).isZero();
    assertThat(family.summary().getString("by")).isEqualTo("http_host");
  }
}
