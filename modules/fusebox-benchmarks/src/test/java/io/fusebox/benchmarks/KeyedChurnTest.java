package io.fusebox.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.metrics.BreakerMeters;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The smoke run of {@link KeyedChurn}: 10,000 keys drifting for a few seconds. The 10-minute run
 * at 100,000 keys is measured by its main, not here.
 */
class KeyedChurnTest {

  @Test
  void onlyTheFailingKeysOpenAndTheSeriesStayBounded() throws Exception {
    KeyedChurn.Figures f = KeyedChurn.run(Duration.ofSeconds(8), 10_000, Duration.ofSeconds(2));

    assertThat(f.calls()).isGreaterThan(10_000);
    assertThat(f.healthyRejected()).as("healthy calls rejected").isZero();
    assertThat(f.failingKeysCalled()).isPositive();
    assertThat(f.failingKeysOpened()).as("failing keys seen open").isPositive();
    assertThat(f.keysAtEnd()).isBetween(1L, 10_000L);
    long fewest = f.series().stream().mapToLong(Long::longValue).min().orElseThrow();
    assertThat(f.series()).as("metric series, sample by sample: the family's, and at most its top open keys")
        .allMatch(n -> n - fewest <= BreakerMeters.TOP_KEYS);
  }
}
