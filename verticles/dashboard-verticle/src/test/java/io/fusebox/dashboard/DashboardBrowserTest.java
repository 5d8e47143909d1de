package io.fusebox.dashboard;

import static io.fusebox.dashboard.TestNode.await;
import static io.fusebox.dashboard.TestNode.quiet;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.demo.DemoUpstreamVerticle;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.testkit.FreePorts;
import io.fusebox.vertx.FuseboxBreaker;
import io.fusebox.vertx.FuseboxBreakerOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/** The dashboard page in a real headless Chromium, against a real node. */
class DashboardBrowserTest {

  private TestNode node;
  private Browser browser;
  private FuseboxClient client;

  @BeforeEach
  void start() throws Exception {
    node = new TestNode("s3cret")
        .breaker("alpha", quiet().consecutiveFailures(2).build())
        .breaker("beta", quiet().build(), List.of(Map.of("type", "static", "value", Map.of())))
        .dashboard(0);
    client = FuseboxClient.create(node.vertx);
    browser = new Browser();
  }

  @AfterEach
  void stop() {
    browser.close();
    node.close();
  }

  private WebElement tile(String breaker) {
    return browser.driver.findElement(By.cssSelector(".tile[data-breaker='" + breaker + "']"));
  }

  private String stateOf(String breaker) {
    List<WebElement> tiles = browser.driver.findElements(By.cssSelector(".tile[data-breaker='" + breaker + "']"));
    return tiles.isEmpty() ? null : tiles.get(0).getAttribute("data-state");
  }

  private void openPage() {
    browser.driver.get(node.url("/"));
    browser.await(Duration.ofSeconds(10), d -> d.findElement(By.id("status")).getText().equals("live"));
    browser.await(Duration.ofSeconds(10), d -> d.findElements(By.cssSelector(".tile[data-state]")).size() == 2);
  }

  @Test
  void thePageListsTheBreakersAndShowsATransitionWithinTwoSeconds() throws Exception {
    openPage();
    assertThat(tile("alpha").findElement(By.className("state")).getText()).isEqualToIgnoringCase("closed");
    assertThat(tile("beta").findElement(By.className("fallback")).getText()).contains("static");
    assertThat(browser.driver.findElement(By.id("summary")).getText()).contains("2 breaker instance(s)");
    node.upstream.failAll();
    client.http("alpha").get("/a");
    client.http("alpha").get("/a");
    node.awaitTransition("alpha", "open");
    long transitioned = System.nanoTime();
    browser.await(Duration.ofSeconds(2), d -> "open".equals(stateOf("alpha")));
    assertThat(Duration.ofNanos(System.nanoTime() - transitioned)).isLessThan(Duration.ofSeconds(2));
    String timeline = browser.driver.findElement(By.id("timeline")).getText();
    assertThat(timeline).as("the trip with what its calls failed with")
        .contains("alpha@node-t closed → open: consecutive_failures 2>=2 (HTTP 500 ×2)");
    // the countdown comes with the snapshot published right after the transition event
    browser.await(Duration.ofSeconds(2), d -> tile("alpha").findElement(By.className("retry")).getText()
        .startsWith("half-open in"));
    browser.screenshot("transition");
  }

  @Test
  void anInProcessBreakerHasATileMarkedInProcess() {
    FuseboxBreaker.create(node.vertx, "gamma", quiet().build(), new FuseboxBreakerOptions().node("node-t")
        .snapshotInterval(TestNode.SNAPSHOT_INTERVAL));
    browser.driver.get(node.url("/"));
    browser.await(Duration.ofSeconds(10), d -> d.findElements(By.cssSelector(".tile[data-state]")).size() == 3);
    assertThat(tile("gamma").getAttribute("data-kind")).isEqualTo("in_process");
    assertThat(tile("gamma").findElement(By.className("node")).getText()).isEqualTo("node-t · in process");
    assertThat(tile("alpha").findElement(By.className("node")).getText()).as("a breaker verticle's tile").isEqualTo("node-t");
  }

  @Test
  void aKeyedFamilyIsOneTileListingItsOpenKeysWithASearch() {
    node.keyed("tenants", quiet().consecutiveFailures(2).build());
    node.upstream.failAll();
    for (String key : List.of("acme", "acme", "initech", "initech")) {
      failure(node.vertx.eventBus().request(Addresses.call("tenants"), new JsonObject().put("method", "GET")
          .put("path", "/t"), new DeliveryOptions().addHeader("fusebox-key", key)));
    }
    node.upstream.healthy();
    await(node.vertx.eventBus().request(Addresses.call("tenants"), new JsonObject().put("method", "GET")
        .put("path", "/t"), new DeliveryOptions().addHeader("fusebox-key", "globex")));
    browser.driver.get(node.url("/"));
    // the list is drawn anew at each snapshot: read it in one script, never through elements held across draws
    browser.await(Duration.ofSeconds(10), d -> listedKeys("tenants").size() == 2);
    assertThat(browser.driver.findElements(By.cssSelector(".tile[data-breaker='tenants']"))).as("one tile").hasSize(1);
    assertThat(script("return document.querySelector(\".tile[data-breaker='tenants'] .keys-summary\").textContent"))
        .contains("keyed by header:fusebox-key: 3 keys, 2 not closed");
    assertThat(listedKeys("tenants")).containsExactlyInAnyOrder("acme · open", "initech · open");
    tile("tenants").findElement(By.className("keys-search")).sendKeys("init");
    browser.await(Duration.ofSeconds(5), d -> listedKeys("tenants").size() == 1);
    assertThat(listedKeys("tenants").get(0)).isEqualTo("initech · open");
  }

  @Test
  void aServiceOfSeveralHostsShowsItsMembersAndAnEjection() throws Exception {
    int nobody = FreePorts.next();
    node.members("spread", quiet().build(), List.of("127.0.0.1:" + nobody));
    for (int i = 0; i < 12; i++) {
      client.http("spread").get("/a").otherwiseEmpty().await();
    }
    browser.driver.get(node.url("/"));
    browser.await(Duration.ofSeconds(10), d -> String.valueOf(script(
        "const m = document.querySelector(\".tile[data-breaker='spread'] .members\"); return m && !m.hidden ? m.textContent : ''"))
        .contains("127.0.0.1:" + nobody + " ejected"));
    assertThat(script("return document.querySelector(\".tile[data-breaker='spread'] .members\").textContent"))
        .startsWith(node.upstream.baseUrl().replace("http://", "") + " in");
  }

  @Test
  void anAdaptiveConcurrencyLimitShowsWhereItStands() throws Exception {
    node.breaker("adaptive", quiet().adaptiveConcurrency(true).initialLimit(12).build());
    for (int i = 0; i < 20; i++) {
      client.http("adaptive").get("/a").otherwiseEmpty().await();
    }
    browser.driver.get(node.url("/"));
    browser.await(Duration.ofSeconds(10), d -> String.valueOf(script(
        "const c = document.querySelector(\".tile[data-breaker='adaptive'] .concurrency\"); return c && !c.hidden ? c.textContent : ''"))
        .matches("limit \\d+( \\(probing\\))? · \\d+ in flight · 0 waiting · no-load [0-9.]+ ms · recent [0-9.]+ ms"));
    node.breaker("fixed", quiet().build());
    // drawn: the template's line starts hidden, so wait for the tile's first render before reading it
    browser.await(Duration.ofSeconds(10), d -> "true".equals(script(
        "const l = document.querySelector(\".tile[data-breaker='fixed'] .latency\"); return String(l !== null && l.textContent.startsWith('p50'))")));
    assertThat(script("return String(document.querySelector(\".tile[data-breaker='fixed'] .concurrency\").hidden)"))
        .as("a static bulkhead shows no limit line").isEqualTo("true");
  }

  @Test
  void theThrottlingStateShowsOnItsTileAndOnTheTimeline() throws Exception {
    node.breaker("browned", quiet().throttling(true).throttlingThreshold(0.2).build());
    browser.driver.get(node.url("/"));
    node.upstream.errorRate(0.8);
    for (int i = 0; i < 60; i++) {
      client.http("browned").get("/b").otherwiseEmpty().await();
    }
    browser.await(Duration.ofSeconds(10), d -> String.valueOf(script(
        "const t = document.querySelector(\".tile[data-breaker='browned'] .throttling\"); return t && !t.hidden ? t.textContent : ''"))
        .matches("refusing \\d+\\.\\d% · failure rate \\d+\\.\\d% \\(from 20\\.0%\\)"));
    browser.await(Duration.ofSeconds(10), d -> String.valueOf(script(
        "return Array.from(document.querySelectorAll('#timeline li.throttling')).map(li => li.textContent).join('|')"))
        .contains("browned@node-t throttling: failure rate"));
  }

  @Test
  void retriesWithinABudgetShowOnTheirTile() throws Exception {
    // no share of first attempts, one retry a second: the window's budget is 10 retries
    node.breaker("retrying", quiet().maxAttempts(2).retryBackoff(Duration.ofMillis(1)).retryBudgetRatio(0)
        .retryBudgetMinPerSecond(1).build());
    browser.driver.get(node.url("/"));
    for (int i = 0; i < 14; i++) {
      client.http("retrying").get("/status/503").otherwiseEmpty().await();
    }
    browser.await(Duration.ofSeconds(10), d -> String.valueOf(script(
        "const r = document.querySelector(\".tile[data-breaker='retrying'] .retries\"); return r && !r.hidden ? r.textContent : ''"))
        .matches("1[01] in 10 s · budget left [01] · [34] refused"));
    assertThat(script("return String(document.querySelector(\".tile[data-breaker='alpha'] .retries\").hidden)"))
        .as("a breaker that does not retry shows no retries line").isEqualTo("true");
  }

  /** Each listed key's text, up to its countdown: "acme · open". */
  private List<String> listedKeys(String family) {
    @SuppressWarnings("unchecked")
    List<String> texts = (List<String>) ((JavascriptExecutor) browser.driver).executeScript(
        "return [...document.querySelectorAll(\".tile[data-breaker='" + family + "'] .keys-list li\")]"
            + ".map(li => li.textContent.split(' · ').slice(0, 2).join(' · '))");
    return texts;
  }

  private String script(String js) {
    return (String) ((JavascriptExecutor) browser.driver).executeScript(js);
  }

  @Test
  void anAdminActionWorksWithTheRightTokenAndTheRefusalOfAWrongOneIsShown() throws Exception {
    openPage();
    assertThat(tile("alpha").findElement(By.className("admin")).isDisplayed()).as("locked by default").isFalse();
    browser.type(browser.driver.findElement(By.id("token")), "guess");
    browser.driver.findElement(By.id("unlock")).click();
    browser.await(Duration.ofSeconds(5), d -> tile("alpha").findElement(By.className("admin")).isDisplayed());
    tile("alpha").findElement(By.cssSelector("button[data-action='force-open']")).click();
    browser.await(Duration.ofSeconds(5), d -> tile("alpha").findElement(By.className("result")).getText().contains("refused"));
    assertThat(tile("alpha").findElement(By.className("result")).getText()).contains("401 unauthorized");
    browser.screenshot("admin-refused");
    assertThat(stateOf("alpha")).isEqualTo("closed");

    browser.driver.findElement(By.id("token")).clear();
    browser.type(browser.driver.findElement(By.id("token")), "s3cret");
    browser.driver.findElement(By.id("unlock")).click();
    tile("alpha").findElement(By.cssSelector("button[data-action='force-open']")).click();
    browser.await(Duration.ofSeconds(5), d -> tile("alpha").findElement(By.className("result")).getText()
        .contains("400 reason_required"));
    assertThat(stateOf("alpha")).as("no reason, no action").isEqualTo("closed");

    browser.type(tile("alpha").findElement(By.className("reason")), "db migration");
    new Select(tile("alpha").findElement(By.className("for"))).selectByValue("1h");
    tile("alpha").findElement(By.cssSelector("button[data-action='force-open']")).click();
    browser.await(Duration.ofSeconds(5), d -> "forced_open".equals(stateOf("alpha")));
    assertThat(tile("alpha").findElement(By.className("result")).getText()).contains("done on 1 instance(s)");
    browser.await(Duration.ofSeconds(5), d -> tile("alpha").findElement(By.className("override")).getText()
        .matches("forced open by admin, (59 m \\d+ s|1 h 0 m) left: db migration"));
    browser.screenshot("admin-forced-open");
    tile("alpha").findElement(By.cssSelector("button[data-action='close']")).click();
    browser.await(Duration.ofSeconds(5), d -> "closed".equals(stateOf("alpha")));
  }

  @Test
  void theWebSocketReconnectsAfterTheNodeRestarts() throws Exception {
    openPage();
    int port = node.port();
    node.stopDashboard();
    browser.await(Duration.ofSeconds(5), d -> d.findElement(By.id("status")).getText().startsWith("disconnected, reconnecting in"));
    browser.screenshot("reconnecting");
    node.dashboard(port);
    browser.await(Duration.ofSeconds(15), d -> d.findElement(By.id("status")).getText().equals("live"));
    node.upstream.failAll();
    client.http("alpha").get("/a");
    client.http("alpha").get("/a");
    browser.await(Duration.ofSeconds(5), d -> "open".equals(stateOf("alpha")));
    browser.screenshot("reconnected");
  }

  @Test
  void theDemoUpstreamsErrorRateCanBeRaisedFromThePage() throws Exception {
    await(node.vertx.deployVerticle(new DemoUpstreamVerticle(),
        new DeploymentOptions().setConfig(new JsonObject().put("port", 0))));
    openPage();
    browser.await(Duration.ofSeconds(5), d -> d.findElement(By.id("demo")).isDisplayed());
    WebElement slider = browser.driver.findElement(By.id("error-rate"));
    ((JavascriptExecutor) browser.driver).executeScript(
        "arguments[0].value = 80; arguments[0].dispatchEvent(new Event('input'));", slider);
    browser.driver.findElement(By.id("apply-demo")).click();
    browser.await(Duration.ofSeconds(5), d -> d.findElement(By.id("demo-status")).getText().contains("80%"));
    JsonObject state = await(node.vertx.eventBus().<JsonObject>request(DemoUpstreamVerticle.CONTROL, new JsonObject())).body();
    assertThat(state.getDouble("error_rate")).isEqualTo(0.8);
    browser.screenshot("demo-control");
  }
}
