package io.fusebox.dashboard.alerts;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.Transition;
import io.fusebox.core.TransitionCause;
import io.fusebox.core.WindowCounts;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.TransitionJson;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Alerts reach a real HTTP receiver started here: one per transition that matters, in order, with
 * the trip's evidence; a receiver that is down gets them once it is up; a breaker that flaps is
 * one alert; and neither a webhook's path nor its headers ever reach the log.
 */
class AlertsTest {

  private static final String NODE = "node-a";
  private static final String SECRET_PATH = "/hooks/T0K3N";
  private static final Map<String, String> SECRET_HEADERS = Map.of("authorization", "Bearer s3cret");

  private final Vertx vertx = Vertx.vertx();
  private final List<JsonObject> received = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final List<Logger> watched = List.of((Logger) LoggerFactory.getLogger(WebhookAlertSink.class),
      (Logger) LoggerFactory.getLogger("io.fusebox.alerts"));

  @BeforeEach
  void watchTheLog() {
    log.start();
    watched.forEach(l -> l.addAppender(log));
  }

  @AfterEach
  void stop() {
    watched.forEach(l -> l.detachAppender(log));
    await(vertx.close());
  }

  private HttpServer receiver(int port) {
    return await(vertx.createHttpServer().requestHandler(request -> {
      if (!request.path().equals(SECRET_PATH)) {
        request.response().setStatusCode(404).end();
        return;
      }
      authorizations.add(String.valueOf(request.getHeader("authorization")));
      request.body().onSuccess(body -> {
        received.add(body.toJsonObject());
        request.response().setStatusCode(204).end();
      });
    }).listen(port, "127.0.0.1"));
  }

  private static FuseboxConfig.AlertSink webhook(int port, String format, int queue) {
    return new FuseboxConfig.AlertSink("webhook", "http://127.0.0.1:" + port + SECRET_PATH, format, SECRET_HEADERS, 50,
        Duration.ofMillis(50), Duration.ofSeconds(2), queue);
  }

  private void deploy(FuseboxConfig.Alerts alerts) {
    await(vertx.deployVerticle(new AlertsVerticle(alerts, NODE)));
  }

  private void transition(String breaker, String node, BreakerState from, BreakerState to) {
    WindowCounts window = to == BreakerState.OPEN ? new WindowCounts(20, 12, 1) : WindowCounts.EMPTY;
    JsonObject event = TransitionJson.transition(new Transition(breaker, from, to, "reason of " + breaker,
        System.currentTimeMillis(), window, TransitionCause.TRIPPED), node);
    if (to == BreakerState.OPEN) {
      // as a breaker verticle adds to a trip
      event.put("errors", new JsonArray().add(new JsonObject().put("class", "HTTP 503").put("count", 11))
          .add(new JsonObject().put("class", "timeout").put("count", 1))).put("config_version", "02eab5379b6b");
    }
    vertx.eventBus().publish(Addresses.EVENTS, event);
  }

  private List<String> kinds() {
    return received.stream().map(a -> a.getString("kind") + ":" + a.getString("breaker")).toList();
  }

  @Test
  void aTripAndARecoveryArePostedInOrderWithTheTripsEvidenceAndOnlyForThisNode() {
    int port = receiver(0).actualPort();
    deploy(new FuseboxConfig.Alerts(List.of(webhook(port, "json", 100)), 6, Duration.ofMinutes(10)));

    transition("payments", "node-b", BreakerState.CLOSED, BreakerState.OPEN);
    transition("payments", NODE, BreakerState.CLOSED, BreakerState.OPEN);
    transition("payments", NODE, BreakerState.OPEN, BreakerState.HALF_OPEN);
    transition("payments", NODE, BreakerState.HALF_OPEN, BreakerState.OPEN);
    transition("payments", NODE, BreakerState.OPEN, BreakerState.HALF_OPEN);
    transition("payments", NODE, BreakerState.HALF_OPEN, BreakerState.CLOSED);
    transition("ledger", NODE, BreakerState.CLOSED, BreakerState.FORCED_OPEN);
    transition("ledger", NODE, BreakerState.FORCED_OPEN, BreakerState.CLOSED);

    Awaitility.await().until(() -> received.size() >= 4);
    assertThat(kinds()).as("another node's trip, half-opening and a failed probe page no one")
        .containsExactly("open:payments", "recovery:payments", "open:ledger", "close:ledger");
    JsonObject trip = received.get(0);
    assertThat(trip.getString("node")).isEqualTo(NODE);
    assertThat(trip.getString("from")).isEqualTo("closed");
    assertThat(trip.getString("to")).isEqualTo("open");
    assertThat(trip.getString("reason")).isEqualTo("reason of payments");
    assertThat(trip.getJsonObject("window").getInteger("failures")).isEqualTo(12);
    assertThat(trip.getJsonArray("errors").getJsonObject(0).getString("class")).isEqualTo("HTTP 503");
    assertThat(authorizations).containsOnly("Bearer s3cret");
  }

  @Test
  void theSlackFormatIsOneLineOfText() {
    int port = receiver(0).actualPort();
    deploy(new FuseboxConfig.Alerts(List.of(webhook(port, "slack", 100)), 6, Duration.ofMinutes(10)));

    transition("payments", NODE, BreakerState.CLOSED, BreakerState.OPEN);

    Awaitility.await().until(() -> received.size() == 1);
    assertThat(received.get(0).fieldNames()).containsExactly("text");
    assertThat(received.get(0).getString("text"))
        .isEqualTo("Fusebox: breaker payments on node-a opened (closed -> open): reason of payments; failures: "
            + "HTTP 503 x11, timeout x1; config 02eab5379b6b");
  }

  @Test
  void aReceiverThatIsDownGetsEachAlertOnceItIsUpAndTheLogNamesNeitherPathNorHeaders() throws Exception {
    int port = FreePorts.next();
    deploy(new FuseboxConfig.Alerts(List.of(webhook(port, "json", 100),
        new FuseboxConfig.AlertSink("log", null, "json", Map.of(), 1, Duration.ofSeconds(1), Duration.ofSeconds(1), 1)),
        6, Duration.ofMinutes(10)));

    transition("payments", NODE, BreakerState.CLOSED, BreakerState.OPEN);
    transition("orders", NODE, BreakerState.CLOSED, BreakerState.OPEN);
    Awaitility.await("two failed attempts").until(() -> lines().stream().filter(l -> l.contains("failed")).count() >= 2);
    receiver(port);

    Awaitility.await().until(() -> received.size() == 2);
    assertThat(kinds()).containsExactly("open:payments", "open:orders");
    Awaitility.await().during(Duration.ofMillis(300)).until(() -> received.size() == 2);
    assertThat(lines()).anySatisfy(l -> assertThat(l).contains("alerts to http://127.0.0.1:" + port + ": attempt 1 of 50 failed"))
        .anySatisfy(l -> assertThat(l).startsWith("alert open: breaker payments on node-a opened (closed -> open): reason of payments"))
        .allSatisfy(l -> assertThat(l).doesNotContain("T0K3N").doesNotContain("s3cret"));
  }

  @Test
  void beyondItsQueueASinkDropsTheOldestAlerts() throws Exception {
    int port = FreePorts.next();
    deploy(new FuseboxConfig.Alerts(List.of(webhook(port, "json", 2)), 6, Duration.ofMinutes(10)));

    for (String breaker : List.of("b1", "b2", "b3", "b4", "b5")) {
      transition(breaker, NODE, BreakerState.CLOSED, BreakerState.OPEN);
    }
    Awaitility.await().until(() -> lines().stream().anyMatch(l -> l.contains("the oldest dropped")));
    receiver(port);

    Awaitility.await().until(() -> received.size() == 3);
    assertThat(kinds()).as("the one being sent, then the two newest").containsExactly("open:b1", "open:b4", "open:b5");
  }

  @Test
  void aFlappingBreakerIsOneAlertWithACountAndAnotherWhenItIsStill() {
    int port = receiver(0).actualPort();
    deploy(new FuseboxConfig.Alerts(List.of(webhook(port, "json", 100)), 4, Duration.ofSeconds(1)));

    for (int i = 0; i < 4; i++) {
      transition("search", NODE, BreakerState.CLOSED, BreakerState.OPEN);
      transition("search", NODE, BreakerState.HALF_OPEN, BreakerState.CLOSED);
    }

    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 5);
    assertThat(kinds()).containsExactly("open:search", "recovery:search", "open:search", "flapping:search",
        "flapping_ended:search");
    assertThat(received.get(3).getInteger("count")).isEqualTo(4);
    assertThat(received.get(4).getInteger("count")).as("the four that made it flap and the four after").isEqualTo(8);
    assertThat(received.get(4).getString("to")).isEqualTo("closed");
  }

  private List<String> lines() {
    return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

}
