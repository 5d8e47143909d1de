package io.fusebox.dashboard;

import static io.fusebox.dashboard.TestNode.await;
import static io.fusebox.dashboard.TestNode.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every endpoint of the node's HTTP server, every auth case and error shape. */
class DashboardApiTest {

  private static final String ALICE = "alice-token-0123456789";
  private static final String CAROL = "carol-token-0123456789";

  private TestNode node;
  private WebClient http;

  @BeforeEach
  void start() {
    node = new TestNode("s3cret", List.of(new ApiTokens.Named("alice", ALICE, ApiTokens.Role.OPERATOR),
        new ApiTokens.Named("carol", CAROL, ApiTokens.Role.VIEWER)))
        .breaker("alpha", quiet().build()).breaker("beta", quiet().build()).dashboard(0);
    http = WebClient.create(node.vertx);
    node.awaitListed("alpha", "beta");
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String authorization) {
    var request = http.requestAbs(method, node.url(path));
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    return await(request.send());
  }

  @Test
  void listsEveryBreakerAndGetsOne() {
    HttpResponse<Buffer> list = send(HttpMethod.GET, "/api/breakers", null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.getHeader("content-type")).isEqualTo("application/json");
    assertThat(list.bodyAsJsonObject().getJsonArray("breakers").stream().map(b -> ((JsonObject) b).getString("breaker")))
        .containsExactly("alpha", "beta");
    JsonObject alpha = send(HttpMethod.GET, "/api/breakers/alpha", null).bodyAsJsonObject();
    assertThat(alpha.getString("breaker")).isEqualTo("alpha");
    assertThat(alpha.getJsonArray("instances").getJsonObject(0).getString("node")).isEqualTo("node-t");
    HttpResponse<Buffer> unknown = send(HttpMethod.GET, "/api/breakers/gamma", null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "unknown_breaker")
        .put("detail", "no breaker 'gamma' has reported recently"));
  }

  @Test
  void adminActionsNeedTheToken() {
    HttpResponse<Buffer> none = send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=test", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(none.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
    assertThat(send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=test", "Bearer s3cre").statusCode()).isEqualTo(401);
    assertThat(send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=test", "s3cret").statusCode()).isEqualTo(401);
    assertThat(node.transitions).as("no refused call changed anything").isEmpty();

    HttpResponse<Buffer> ok = send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=test", "Bearer s3cret");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject()).isEqualTo(new JsonObject().put("action", "force_open").put("breaker", "alpha").put("instances", 1));
    node.awaitTransition("alpha", "forced_open");
    assertThat(send(HttpMethod.POST, "/api/breakers/alpha/close?reason=test", "Bearer s3cret").statusCode()).isEqualTo(200);
    node.awaitTransition("alpha", "closed");
    for (String action : new String[] {"disable", "reset", "fallback-off", "fallback-on"}) {
      assertThat(send(HttpMethod.POST, "/api/breakers/beta/" + action + "?reason=test", "Bearer s3cret").statusCode()).as(action).isEqualTo(200);
    }
    node.awaitTransition("beta", "disabled");
  }

  @Test
  void repeatedWrongTokensFromOneAddressAreSlowedDownAndLoggedWithoutTheToken() {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger admin = (Logger) LoggerFactory.getLogger("fusebox.admin");
    admin.addAppender(log);
    try {
      for (int i = 0; i < AdminThrottle.BURST; i++) {
        assertThat(send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=test", "Bearer guess-" + i).statusCode()).isEqualTo(401);
      }
      HttpResponse<Buffer> slowed = send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=test", "Bearer s3cret");
      assertThat(slowed.statusCode()).as("even the right token waits once the address is out of attempts").isEqualTo(429);
      assertThat(slowed.bodyAsJsonObject().getString("error")).isEqualTo("too_many_attempts");
      assertThat(Long.parseLong(slowed.getHeader("Retry-After"))).isBetween(1L, 2L);
      assertThat(node.transitions).isEmpty();
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
          send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=test", "Bearer s3cret").statusCode() == 200);
      assertThat(log.list).as("refusals are logged, a line a second at most").isNotEmpty().hasSizeLessThan(AdminThrottle.BURST);
      assertThat(log.list).allSatisfy(e -> {
        assertThat(e.getFormattedMessage()).contains("refused admin request /api/breakers/alpha/force-open from 127.0.0.1")
            .doesNotContain("guess").doesNotContain("s3cret");
        assertThat(e.getThrowableProxy()).isNull();
      });
    } finally {
      admin.detachAppender(log);
    }
  }

  @Test
  void wrongAdminCallsGetAClearJsonError() {
    HttpResponse<Buffer> badAction = send(HttpMethod.POST, "/api/breakers/alpha/explode?reason=test", "Bearer s3cret");
    assertThat(badAction.statusCode()).isEqualTo(400);
    assertThat(badAction.bodyAsJsonObject().getString("detail"))
        .isEqualTo("unknown action 'explode' (expected one of close, disable, fallback-off, fallback-on, force-open, reset)");
    HttpResponse<Buffer> unknown = send(HttpMethod.POST, "/api/breakers/gamma/close?reason=test", "Bearer s3cret");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getString("error")).isEqualTo("unknown_breaker");
    HttpResponse<Buffer> nowhere = send(HttpMethod.GET, "/api/nowhere", null);
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(nowhere.bodyAsJsonObject().getString("error")).isEqualTo("not_found");
    assertThat(send(HttpMethod.GET, "/api/controls/demo-upstream", null).statusCode()).as("no demo on this node").isEqualTo(404);
  }

  @Test
  void adminIsOffWhenNoTokenIsConfigured() {
    TestNode open = new TestNode("").breaker("solo", quiet().build()).dashboard(0);
    try {
      open.awaitListed("solo");
      WebClient client = WebClient.create(open.vertx);
      HttpResponse<Buffer> refused = await(client.postAbs(open.url("/api/breakers/solo/force-open"))
          .putHeader("Authorization", "Bearer ").send());
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("admin_disabled");
    } finally {
      open.close();
    }
  }

  @Test
  void anActionNeedsAReasonAndAnOperatorAndIsAuditedWithWhoWhyAndUntilWhen() {
    HttpResponse<Buffer> noReason = send(HttpMethod.POST, "/api/breakers/alpha/force-open", "Bearer " + ALICE);
    assertThat(noReason.statusCode()).isEqualTo(400);
    assertThat(noReason.bodyAsJsonObject().getString("error")).isEqualTo("reason_required");
    HttpResponse<Buffer> viewer = send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=try", "Bearer " + CAROL);
    assertThat(viewer.statusCode()).isEqualTo(403);
    assertThat(viewer.bodyAsJsonObject().getString("detail")).isEqualTo("carol is a viewer: admin actions need an operator's token");
    assertThat(send(HttpMethod.POST, "/api/breakers/alpha/disable?reason=x&for=forever", "Bearer " + ALICE).statusCode())
        .as("an expiry that is not a duration").isEqualTo(400);
    assertThat(node.transitions).as("nothing refused changed anything").isEmpty();

    HttpResponse<Buffer> forced = await(http.postAbs(node.url("/api/breakers/alpha/force-open"))
        .putHeader("Authorization", "Bearer " + ALICE)
        .sendJsonObject(new JsonObject().put("reason", "db migration").put("for", "30m")));
    assertThat(forced.statusCode()).isEqualTo(200);
    node.awaitTransition("alpha", "forced_open");
    assertThat(send(HttpMethod.POST, "/api/breakers/beta/fallback-off?reason=cache%20is%20stale", "Bearer s3cret")
        .statusCode()).isEqualTo(200);

    assertThat(send(HttpMethod.GET, "/api/audit", null).statusCode()).as("the trail needs a token").isEqualTo(401);
    JsonArray entries = send(HttpMethod.GET, "/api/audit", "Bearer " + CAROL).bodyAsJsonObject().getJsonArray("entries");
    assertThat(entries).hasSize(2);
    JsonObject newest = entries.getJsonObject(0);
    assertThat(newest.getString("by")).isEqualTo("admin");
    assertThat(newest.getString("action")).isEqualTo("fallback_off");
    assertThat(newest.getString("reason")).isEqualTo("cache is stale");
    JsonObject force = entries.getJsonObject(1);
    assertThat(force.getString("by")).isEqualTo("alice");
    assertThat(force.getString("breaker")).isEqualTo("alpha");
    assertThat(force.getString("reason")).isEqualTo("db migration");
    assertThat(force.getString("result")).isEqualTo("applied");
    assertThat(force.getLong("until") - force.getLong("at")).isEqualTo(Duration.ofMinutes(30).toMillis());
    Awaitility.await("the override shown with the breaker's snapshot").until(() -> {
      JsonObject override = send(HttpMethod.GET, "/api/breakers/alpha", null).bodyAsJsonObject()
          .getJsonArray("instances").getJsonObject(0).getJsonObject("override");
      return override != null && "alice".equals(override.getString("by")) && "db migration".equals(override.getString("reason"))
          && override.getLong("until").equals(force.getLong("until"));
    });
  }

  @Test
  void everyExpiryThePageOffersIsAcceptedAndNoneBeyondAWeek() {
    for (String lasting : new String[] {"15m", "1h", "4h", "1d", "7d"}) {
      assertThat(send(HttpMethod.POST, "/api/breakers/alpha/disable?reason=page&for=" + lasting, "Bearer " + ALICE)
          .statusCode()).as(lasting).isEqualTo(200);
    }
    assertThat(send(HttpMethod.POST, "/api/breakers/alpha/disable?reason=page&for=8d", "Bearer " + ALICE).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aForcedOpenWithAnExpiryReturnsToAutomaticByItself() {
    assertThat(send(HttpMethod.POST, "/api/breakers/alpha/force-open?reason=maintenance&for=1s", "Bearer " + ALICE)
        .statusCode()).isEqualTo(200);
    node.awaitTransition("alpha", "forced_open");
    node.awaitTransition("alpha", "closed");
    Awaitility.await("no override once it ran out").until(() -> !send(HttpMethod.GET, "/api/breakers/alpha", null)
        .bodyAsJsonObject().getJsonArray("instances").getJsonObject(0).containsKey("override"));
  }

  @Test
  void healthMetricsAndThePageAreServed() {
    HttpResponse<Buffer> health = send(HttpMethod.GET, "/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.bodyAsJsonObject().getString("outcome")).isEqualTo("UP");
    HttpResponse<Buffer> metrics = send(HttpMethod.GET, "/metrics", null);
    assertThat(metrics.getHeader("content-type")).startsWith("text/plain; version=0.0.4");
    assertThat(metrics.bodyAsString()).contains("circuit_breaker_state{name=\"alpha\",node=\"node-t\"} 0.0");
    HttpResponse<Buffer> page = send(HttpMethod.GET, "/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.bodyAsString()).contains("<title>Fusebox</title>");
    assertThat(page.getHeader("Content-Security-Policy")).contains("default-src 'self'");
    assertThat(send(HttpMethod.GET, "/app.js", null).statusCode()).isEqualTo(200);
  }

  @Test
  void healthIsDownWhenAnExpectedBreakerDoesNotReport() {
    DashboardVerticle strict = new DashboardVerticle(new DashboardVerticle.Settings("127.0.0.1", 0, ApiTokens.of("", List.of()), List.of(), TestNode.SNAPSHOT_INTERVAL,
        "node-t", () -> 5), node.registry);
    await(node.vertx.deployVerticle(strict));
    HttpResponse<Buffer> health = Awaitility.await("both breakers reporting to the new dashboard")
        .until(() -> await(http.getAbs("http://127.0.0.1:" + strict.port() + "/health").send()),
            h -> h.bodyAsString().contains("\"reporting\":2"));
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.bodyAsString()).contains("\"deployed\":5");
  }
}
