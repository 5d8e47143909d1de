package io.fusebox.dashboard;

import static io.fusebox.dashboard.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.dashboard.history.Minute;
import io.fusebox.protocol.Addresses;
import io.fusebox.store.HistoryStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The detail view in headless Chromium: a breaker's day drawn with the chart library the node
 * serves, the trip it had before the page was opened (in the view and on the timeline), its audit
 * entries once unlocked, and a reload's result on the banner.
 */
class DetailViewBrowserTest {

  private static final long NOW = System.currentTimeMillis();
  private static final long M = NOW - NOW % 60_000;

  /** What node-t kept before its restart: an hour of minutes of orders, with an outage, and its trip. */
  private static HistoryStore kept() {
    List<JsonObject> rows = new ArrayList<>();
    for (int i = 60; i >= 1; i--) {
      boolean outage = i <= 20 && i > 10;
      int openMillis = outage ? 45_000 : 0;
      rows.add(new Minute((int) ((M - i * 60_000L) / 60_000), new int[] {outage ? 300 : 1200, outage ? 400 : 12, 3,
          outage ? 2000 : 0, 0, outage ? 2000 : 0}, outage ? 0.57f : 0.01f, 0.02f, 4f, 11f, outage ? 900f : 30f,
          new int[] {60_000 - openMillis, openMillis, 0, 0, 0}).toJson().put("type", "minute").put("breaker", "orders"));
    }
    rows.add(new JsonObject().put("type", "transition").put("breaker", "orders").put("node", "node-t").put("from", "closed")
        .put("to", "open").put("reason", "failure_rate 0.57>=0.50").put("at", M - 20 * 60_000L + 5_000)
        .put("window", new JsonObject().put("calls", 100).put("failures", 57).put("slow_calls", 0))
        .put("errors", new JsonArray().add(new JsonObject().put("class", "HTTP 503").put("count", 51))));
    return new HistoryStore() {
      @Override
      public Future<Void> append(String node, List<JsonObject> appended) {
        return Future.succeededFuture();
      }

      @Override
      public Future<List<JsonObject>> load(String node, long since) {
        return Future.succeededFuture(rows);
      }
    };
  }

  @Test
  void theDetailViewDrawsTheDayAndShowsTripsOverridesAuditAndReloads() throws Exception {
    try (TestNode node = new TestNode("s3cret").breaker("orders", TestNode.quiet().build()).dashboard(0);
        Browser browser = new Browser()) {
      node.history(kept());
      node.awaitListed("orders");
      browser.driver.get(node.url("/"));
      browser.await(Duration.ofSeconds(10), d -> d.findElements(By.cssSelector("#timeline li")).size() > 0);
      assertThat(browser.driver.findElement(By.cssSelector("#timeline li")).getText())
          .as("a transition from before the page opened, from the history").contains("orders@node-t closed → open")
          .contains("HTTP 503 ×51");

      browser.await(Duration.ofSeconds(10), d -> d.findElements(By.cssSelector(".tile[data-breaker='orders'] .name")).size() == 1);
      browser.driver.findElement(By.cssSelector(".tile[data-breaker='orders'] .name")).click();
      browser.await(Duration.ofSeconds(10), d -> d.findElement(By.id("detail")).getAttribute("data-loaded") != null);
      assertThat(browser.driver.findElements(By.cssSelector("#detail .uplot canvas"))).as("four charts drawn").hasSize(4);
      assertThat(browser.driver.findElement(By.cssSelector("#detail .chart.rates")).getText())
          .contains("failure threshold");
      assertThat(browser.driver.findElement(By.cssSelector("#detail .detail-empty")).isDisplayed()).isFalse();
      assertThat(browser.driver.findElement(By.cssSelector("#detail .detail-transitions")).getText())
          .contains("closed → open (failure_rate 0.57>=0.50)").contains("window 100 calls, 57 failed").contains("HTTP 503 ×51");
      assertThat(browser.driver.findElement(By.cssSelector("#detail .detail-audit")).getText())
          .contains("unlock with a token");
      assertThat(browser.driver.getCurrentUrl()).endsWith("#detail=orders");

      // an override, audited, shows in the view once unlocked
      browser.type(browser.driver.findElement(By.id("token")), "s3cret");
      browser.driver.findElement(By.id("unlock")).click();
      assertThat(browser.driver.findElement(By.id("reload-bar")).isDisplayed()).isTrue();
      browser.type(browser.driver.findElement(By.cssSelector(".tile[data-breaker='orders'] .reason")), "db migration");
      browser.driver.findElement(By.cssSelector(".tile[data-breaker='orders'] button[data-action='force-open']")).click();
      browser.await(Duration.ofSeconds(10), d -> d.findElement(By.cssSelector("#detail .detail-override")).getText()
          .contains("forced open by admin"));
      browser.driver.findElement(By.cssSelector("#detail .detail-range")).sendKeys("last 15 minutes");
      browser.await(Duration.ofSeconds(10), d -> d.findElement(By.cssSelector("#detail .detail-audit")).getText()
          .contains("admin: force_open (db migration) → applied"));

      // a reload somewhere in the cluster, on the banner
      node.vertx.eventBus().publish(Addresses.CONFIG, new JsonObject().put("type", "config_changed").put("node", "node-t")
          .put("version", "02eab5379b6b").put("previous_version", "d9cfce1e4b8b").put("by", "admin")
          .put("reason", "raise the pool").put("changed", new JsonArray().add("orders")).put("added", new JsonArray())
          .put("removed", new JsonArray()).put("restart_needed", new JsonArray()).put("at", NOW));
      browser.await(Duration.ofSeconds(10), d -> d.findElement(By.id("config-banner")).getText()
          .contains("configuration 02eab5379b6b (was d9cfce1e4b8b) by admin: raise the pool · changed orders"));
      browser.screenshot("detail-view");
      browser.driver.findElement(By.cssSelector("#detail .detail-close")).click();
      assertThat(browser.driver.findElement(By.id("detail")).isDisplayed()).isFalse();
    }
  }
}
