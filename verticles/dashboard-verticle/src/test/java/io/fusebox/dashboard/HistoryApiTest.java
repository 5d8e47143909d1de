package io.fusebox.dashboard;

import static io.fusebox.dashboard.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.fusebox.dashboard.history.HistoryVerticle;
import io.fusebox.dashboard.history.Minute;
import io.fusebox.protocol.Addresses;
import io.fusebox.store.HistoryStore;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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

/**
 * The history endpoints over two nodes' history verticles, each restored from its own store: the
 * minutes of a breaker's instances merged, one node's alone, the transitions of both in one log.
 */
class HistoryApiTest {

  private static final long NOW = System.currentTimeMillis();
  private static final long M = NOW - NOW % 60_000;

  private final TestNode node = new TestNode("s3cret");
  private WebClient http;
  private long republisher;

  /** A store that holds what a node kept before its restart. */
  private record Kept(List<JsonObject> rows) implements HistoryStore {
    @Override
    public Future<Void> append(String n, List<JsonObject> appended) {
      return Future.succeededFuture();
    }

    @Override
    public Future<List<JsonObject>> load(String n, long since) {
      return Future.succeededFuture(rows.stream().filter(r -> r.getLong("at") >= since).toList());
    }
  }

  private static JsonObject minute(long at, int success, int failure, float failureRate, float p99, int openMillis) {
    return new Minute((int) (at / 60_000), new int[] {success, failure, 0, 0, 0, 0}, failureRate, 0f, 1f, 2f, p99,
        new int[] {60_000 - openMillis, openMillis, 0, 0, 0}).toJson().put("type", "minute").put("breaker", "orders");
  }

  private static JsonObject transition(String to, long at, String node) {
    return new JsonObject().put("type", "transition").put("breaker", "orders").put("node", node).put("from", "closed")
        .put("to", to).put("reason", "failure_rate 0.62>=0.50").put("at", at)
        .put("errors", new JsonArray().add(new JsonObject().put("class", "HTTP 503").put("count", 11)));
  }

  @BeforeEach
  void start() {
    node.breaker("orders", TestNode.quiet().build()).dashboard(0);
    node.awaitListed("orders");
    http = WebClient.create(node.vertx);
    await(node.vertx.deployVerticle(new HistoryVerticle("node-a", new Kept(List.of(
        minute(M - 120_000, 10, 0, 0f, 5f, 0), transition("open", M - 115_000, "node-a"),
        minute(M - 60_000, 4, 6, 0.6f, 9f, 30_000))))));
    await(node.vertx.deployVerticle(new HistoryVerticle("node-b", new Kept(List.of(
        minute(M - 60_000, 20, 2, 0.1f, 40f, 0), transition("open", M - 55_000, "node-b"))))));
    // node-a and node-b's instances of orders on the board, as their snapshots would put them
    JsonObject own = await(http.getAbs(node.url("/api/breakers/orders")).send()).bodyAsJsonObject()
        .getJsonArray("instances").getJsonObject(0);
    republisher = node.vertx.setPeriodic(1, 100, id -> {
      node.vertx.eventBus().publish(Addresses.SNAPSHOTS, own.copy().put("node", "node-a"));
      node.vertx.eventBus().publish(Addresses.SNAPSHOTS, own.copy().put("node", "node-b"));
    });
    Awaitility.await("node-a and node-b listed").atMost(Duration.ofSeconds(10)).until(() -> await(http.getAbs(
        node.url("/api/breakers/orders")).send()).bodyAsJsonObject().getJsonArray("instances").size() == 3);
  }

  @AfterEach
  void stop() {
    node.vertx.cancelTimer(republisher);
    node.close();
  }

  private JsonObject get(String path) {
    HttpResponse<Buffer> response = await(http.getAbs(node.url(path)).send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  @Test
  void theMinutesOfEveryNodesInstancesAreMerged() {
    JsonObject history = get("/api/breakers/orders/history");
    assertThat(history.getJsonArray("unreachable")).isEmpty();
    assertThat(history.getJsonArray("nodes")).hasSize(2);
    JsonArray minutes = history.getJsonArray("minutes");
    assertThat(minutes).hasSize(2);
    JsonObject older = minutes.getJsonObject(0);
    assertThat(older.getLong("at")).isEqualTo(M - 120_000);
    assertThat(older.getJsonObject("calls").getInteger("success")).isEqualTo(10);
    JsonObject last = minutes.getJsonObject(1);
    assertThat(last.getJsonObject("calls").getInteger("success")).as("4 + 20").isEqualTo(24);
    assertThat(last.getJsonObject("calls").getInteger("failure")).isEqualTo(8);
    assertThat(last.getDouble("failure_rate")).as("the worse instance's").isCloseTo(0.6, within(1e-6));
    assertThat(last.getJsonObject("latency_ms").getDouble("p99")).isEqualTo(40.0);
    assertThat(last.getJsonObject("state_ms").getInteger("open")).isEqualTo(30_000);
    assertThat(last.getJsonObject("state_ms").getInteger("closed")).isEqualTo(90_000);

    JsonObject alone = get("/api/breakers/orders/history?node=node-b&from=" + (M - 60_000) + "&to=" + NOW);
    assertThat(alone.getJsonArray("minutes")).hasSize(1);
    assertThat(alone.getJsonArray("minutes").getJsonObject(0).getJsonObject("calls").getInteger("success")).isEqualTo(20);
    assertThat(get("/api/breakers/orders/history?from=" + (M - 60_000)).getJsonArray("minutes")).hasSize(1);
  }

  @Test
  void theTransitionsOfEveryNodeAreOneLogNewestFirst() {
    JsonArray transitions = get("/api/transitions").getJsonArray("transitions");
    assertThat(transitions).extracting(t -> ((JsonObject) t).getString("node")).containsExactly("node-b", "node-a");
    assertThat(transitions.getJsonObject(0).getJsonArray("errors").getJsonObject(0).getString("class"))
        .as("the trip's evidence kept").isEqualTo("HTTP 503");
    assertThat(get("/api/transitions?since=" + (M - 60_000)).getJsonArray("transitions")).hasSize(1);
    assertThat(get("/api/transitions?limit=1").getJsonArray("transitions")).hasSize(1);
    assertThat(get("/api/transitions?breaker=stock").getJsonArray("transitions")).isEmpty();
  }

  @Test
  void aBadParameterIsRefusedNamingIt() {
    for (String bad : new String[] {"/api/breakers/orders/history?from=yesterday", "/api/breakers/orders/history?from=2&to=1",
        "/api/transitions?limit=0", "/api/transitions?since=now"}) {
      HttpResponse<Buffer> response = await(http.getAbs(node.url(bad)).send());
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("error")).isEqualTo("bad_request");
    }
  }
}
