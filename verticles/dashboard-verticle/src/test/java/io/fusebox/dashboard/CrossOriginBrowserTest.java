package io.fusebox.dashboard;

import static io.fusebox.dashboard.TestNode.await;
import static io.fusebox.dashboard.TestNode.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A page of another site, opened in a real Chromium, tries to read the live feed: refused (403)
 * unless its origin is configured in {@code allowed_origins}.
 */
class CrossOriginBrowserTest {

  private TestNode node;
  private Browser browser;
  private HttpServer evilSite;

  @BeforeEach
  void startBrowser() throws Exception {
    browser = new Browser();
  }

  @AfterEach
  void stop() {
    browser.close();
    node.close();
  }

  /**
   * Another site: a page on its own port (so of another origin) that opens the dashboard's /ws and
   * shows in its title what happened.
   */
  private String startOtherSite() {
    evilSite = await(node.vertx.createHttpServer()
        .requestHandler(r -> r.response().putHeader("content-type", "text/html").end("""
            <!doctype html><title>waiting</title><script>
            const ws = new WebSocket("ws://127.0.0.1:%d/ws");
            ws.onmessage = e => { document.title = "read:" + JSON.parse(e.data).type; };
            ws.onerror = () => { document.title = "refused"; };
            </script>""".formatted(node.port())))
        .listen(0, "127.0.0.1"));
    return "http://127.0.0.1:" + evilSite.actualPort();
  }

  private String outcomeOfVisiting(String site) {
    browser.driver.get(site + "/");
    return browser.await(Duration.ofSeconds(10), d -> d.getTitle().equals("waiting") ? null : d.getTitle());
  }

  @Test
  void aPageFromAnotherOriginCannotOpenTheLiveFeed() {
    node = new TestNode("").breaker("alpha", quiet().build());
    String site = startOtherSite();
    node.dashboard(0);
    assertThat(outcomeOfVisiting(site)).isEqualTo("refused");

    browser.driver.get(node.url("/"));
    browser.await(Duration.ofSeconds(10), d -> d.findElement(By.id("status")).getText().equals("live"));
  }

  @Test
  void aConfiguredOriginMayOpenIt() {
    node = new TestNode("").breaker("alpha", quiet().build());
    String site = startOtherSite();
    node.dashboard(0, List.of(site));
    assertThat(outcomeOfVisiting(site)).as("the page read the feed").startsWith("read:");
  }
}
