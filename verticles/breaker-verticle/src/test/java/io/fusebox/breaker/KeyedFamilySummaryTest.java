package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a family's snapshot lists of its keys, without a node around it. */
class KeyedFamilySummaryTest {

  private final BreakerConfig config = BreakerTestSupport.quiet().consecutiveFailures(1)
      .openTimeout(Duration.ofSeconds(30)).build();
  private final KeyedFamily family = new KeyedFamily("tenants", config,
      new FuseboxConfig.Keyed("header:fusebox-key", 10_000, Duration.ofMinutes(10)),
      new CircuitBreaker("tenants", config, CoarseClock.shared()), (key, t) -> { });

  @Test
  void theKeysMostRecentlyOpenedAreListedNewestFirstAndTheRestOnlyCounted() {
    int opened = KeyedFamily.LISTED_KEYS + 50;
    for (int i = 0; i < opened; i++) {
      CircuitBreaker key = family.judgeFor("k" + i);
      key.onFailure(key.tryAcquire(), 1_000_000);
    }
    family.judgeFor("healthy");

    JsonObject summary = family.summary();
    assertThat(summary.getLong("keys")).isEqualTo(opened + 1);
    assertThat(summary.getInteger("not_closed")).isEqualTo(opened);
    List<String> listed = summary.getJsonArray("listed").stream().map(o -> ((JsonObject) o).getString("key")).toList();
    assertThat(listed).hasSize(KeyedFamily.LISTED_KEYS).startsWith("k" + (opened - 1)).endsWith("k50");
    assertThat(summary.getJsonArray("listed").getJsonObject(0).getString("state")).isEqualTo("open");
    assertThat(summary.getJsonArray("listed").getJsonObject(0).getLong("retry_after_ms")).isPositive();
  }
}
