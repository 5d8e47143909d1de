package io.fusebox.dashboard;

import static io.fusebox.dashboard.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * Alerts from the API and the page in headless Chromium: a receiver that takes them, one that is
 * down and is retried, the log, a flapping breaker shown as such, and the alerts sent, all without
 * a webhook's path or headers anywhere.
 */
class AlertsBrowserTest {

  private static final String SECRET_PATH = "/hooks/T000/B000/s3cr3t-path";

  @Test
  void thePageShowsWhereAlertsGoHowTheirDeliveryGoesAndWhoIsFlapping() throws Exception {
    try (TestNode node = new TestNode("s3cret").breaker("orders", TestNode.quiet().build()).dashboard(0);
        Browser browser = new Browser()) {
      List<JsonObject> received = new CopyOnWriteArrayList<>();
      HttpServer up = await(node.vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
        received.add(body.toJsonObject());
        request.response().end();
      })).listen(0, "127.0.0.1"));
      HttpServer down = await(node.vertx.createHttpServer()
          .requestHandler(request -> request.response().setStatusCode(503).end()).listen(0, "127.0.0.1"));
      node.alerts(new FuseboxConfig.Alerts(List.of(
          sink("http://127.0.0.1:" + up.actualPort() + SECRET_PATH),
          sink("http://127.0.0.1:" + down.actualPort() + SECRET_PATH),
          new FuseboxConfig.AlertSink("log", null, "json", Map.of(), 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 10)),
          3, Duration.ofMinutes(10)));
      node.awaitListed("orders");
      browser.driver.get(node.url("/"));
      browser.await(Duration.ofSeconds(10), d -> d.findElement(By.id("alert-sinks")).getText().contains("0 delivered"));

      WebClient web = WebClient.create(node.vertx);
      for (String action : List.of("force-open", "close", "force-open")) {
        HttpResponse<Buffer> done = await(web.postAbs(node.url("/api/breakers/orders/" + action + "?reason=drill"))
            .putHeader("Authorization", "Bearer s3cret").send());
        assertThat(done.statusCode()).as(action).isEqualTo(200);
      }
      // the third transition within the window is one flapping alert, not a third page
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
      assertThat(received).extracting(a -> a.getString("kind")).containsExactly("open", "close", "flapping");

      browser.await(Duration.ofSeconds(15), d -> d.findElement(By.id("alert-flapping")).getText()
          .contains("orders@node-t flapping: 3 transitions, now forced_open"));
      String sinks = browser.driver.findElement(By.id("alert-sinks")).getText();
      assertThat(sinks).contains("node-t: webhook http://127.0.0.1:" + up.actualPort() + " (json): 3 delivered")
          .contains("node-t: webhook http://127.0.0.1:" + down.actualPort() + " (json): 0 delivered")
          .contains("last: retrying (status 503").contains("node-t: log io.fusebox.alerts: 3 delivered");
      assertThat(browser.driver.findElement(By.id("alert-recent")).getText())
          .contains("flapping: breaker orders on node-t is flapping: 3 transitions")
          .contains("open: breaker orders on node-t opened (closed -> forced_open): by admin: drill");
      assertThat(browser.driver.findElement(By.id("timeline")).getText())
          .as("the timeline says who forced it and why").contains("orders@node-t closed → forced_open: by admin: drill");
      browser.screenshot("alerts");

      JsonObject api = await(web.getAbs(node.url("/api/alerts")).send()).bodyAsJsonObject();
      assertThat(api.getJsonArray("unreachable")).isEmpty();
      JsonObject mine = api.getJsonArray("nodes").getJsonObject(0);
      assertThat(mine.getString("node")).isEqualTo("node-t");
      JsonArray listedSinks = mine.getJsonArray("sinks");
      assertThat(listedSinks).hasSize(3);
      assertThat(listedSinks.getJsonObject(1).getLong("failed_attempts")).isPositive();
      assertThat(mine.getJsonArray("recent").getJsonObject(0).getString("kind")).isEqualTo("flapping");
      assertThat(api.encode()).as("a webhook's path is its secret").doesNotContain("s3cr3t").doesNotContain("hooks");
      assertThat(browser.driver.getPageSource()).doesNotContain("s3cr3t");
    }
  }

  private static FuseboxConfig.AlertSink sink(String url) {
    return new FuseboxConfig.AlertSink("webhook", url, "json", Map.of(), 10, Duration.ofMillis(200), Duration.ofSeconds(2), 100);
  }
}
