package io.fusebox.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * 500 breaker instances reporting every second, as a large cluster's snapshots arrive on
 * {@code fusebox.snapshots}: the page renders them all and keeps up with the newest.
 */
class ManyBreakersBrowserTest {

  private static final int BREAKERS = 500;

  @Test
  void fiveHundredBreakersRenderAndUpdateWithoutThePageFallingBehind() throws Exception {
    try (TestNode node = new TestNode("").dashboard(0); Browser browser = new Browser()) {
      AtomicInteger round = new AtomicInteger();
      long publisher = node.vertx.setPeriodic(1000, id -> {
        int r = round.incrementAndGet();
        for (int i = 0; i < BREAKERS; i++) {
          node.vertx.eventBus().publish(Addresses.SNAPSHOTS, snapshot(String.format("svc-%03d", i), r, i % 50 == 0));
        }
      });
      browser.driver.get(node.url("/"));
      browser.await(Duration.ofSeconds(20), d -> d.findElements(By.cssSelector(".tile[data-state]")).size() == BREAKERS);
      assertThat(browser.driver.findElements(By.cssSelector(".tile[data-state='open']"))).hasSize(10);
      // eight more rounds of 500 snapshots go by
      int from = round.get();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> round.get() >= from + 8);
      int published = round.get();
      WebElement last = browser.driver.findElement(By.cssSelector(".tile[data-breaker='svc-499']"));
      browser.await(Duration.ofSeconds(3), d -> level(last) >= published - 1);
      assertThat(level(browser.driver.findElement(By.cssSelector(".tile[data-breaker='svc-000']"))))
          .as("after 8 s of 500 updates a second, the page shows the newest rounds").isGreaterThanOrEqualTo(published - 2);
      browser.driver.findElement(By.id("filter")).sendKeys("svc-12");
      browser.await(Duration.ofSeconds(3), d -> d.findElements(By.cssSelector(".tile[data-state]:not([hidden])")).size() == 10);
      browser.screenshot("five-hundred-breakers");
      node.vertx.cancelTimer(publisher);
    }
  }

  private static int level(WebElement tile) {
    String text = tile.findElement(By.className("backoff")).getText();
    return Integer.parseInt(text.replaceAll("^level (\\d+).*$", "$1"));
  }

  /** A snapshot in the shape a breaker verticle publishes; the backoff level carries the round. */
  private static JsonObject snapshot(String breaker, int round, boolean open) {
    long now = System.currentTimeMillis();
    return new JsonObject()
        .put("breaker", breaker).put("node", "node-t").put("dependency", "http")
        .put("state", open ? "open" : "closed").put("since", now - 60_000)
        .put("calls", new JsonObject().put("success", round * 100L).put("failure", round * 3L).put("ignored", 0)
            .put("rejected", open ? round * 50L : 0).put("timeout", 0).put("fallback", 0))
        .put("failure_rate", 0.03).put("slow_call_rate", 0.0).put("window_calls", 100)
        .put("latency_ms", new JsonObject().put("p50", 4.2).put("p95", 12.0).put("p99", 30.0))
        .put("open_timeout_ms", 30_000).put("backoff_level", round).put("retry_at", open ? now + 20_000 : 0)
        .put("fallback", new JsonObject().put("enabled", true).put("types", new JsonArray()).put("executions", new JsonObject()))
        .put("thresholds", new JsonObject().put("failure_rate", 0.5).put("slow_call_rate", 0.5).put("minimum_calls", 10));
  }
}
