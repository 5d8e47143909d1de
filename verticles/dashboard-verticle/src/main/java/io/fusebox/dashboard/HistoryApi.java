package io.fusebox.dashboard;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.SnapshotBoard;
import io.fusebox.store.HistoryStore;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The history endpoints: a breaker's one-minute history and the transitions log. Each node keeps
 * its own instances' history; these ask every node that has a breaker on the board (and this one,
 * which may remember a breaker since removed) and merge the answers ({@link NodeQuery}).
 */
final class HistoryApi {

  static final int MAX_TRANSITIONS = 10_000;
  private static final int DEFAULT_TRANSITIONS = 1_000;

  /** Where a long answer (10,000 transitions) is encoded, off the event loop. */
  private final WorkerExecutor writer;
  private final SnapshotBoard board;
  private final NodeQuery nodes;

  HistoryApi(WorkerExecutor writer, SnapshotBoard board, NodeQuery nodes) {
    this.writer = writer;
    this.board = board;
    this.nodes = nodes;
  }

  void mount(Router router) {
    router.get("/api/breakers/:name/history").handler(this::history);
    router.get("/api/transitions").handler(this::transitions);
  }

  /**
   * {@code GET /api/breakers/{name}/history?from=&to=&node=}: minutes from {@code from} to
   * {@code to} (epoch ms; the last 24 h by default), the nodes' instances merged: calls and time in
   * each state added up, rates and latency quantiles the highest of the instances'.
   */
  private void history(RoutingContext ctx) {
    long now = System.currentTimeMillis();
    Long from = millis(ctx, "from", now - HistoryStore.KEPT_MILLIS);
    Long to = millis(ctx, "to", now);
    if (from == null || to == null) {
      return;
    }
    if (from > to) {
      BreakerApi.error(ctx, 400, "bad_request", "from must not be after to (got from=" + from + ", to=" + to + ")");
      return;
    }
    String name = ctx.pathParam("name");
    String only = ctx.queryParams().get("node");
    Set<String> asked = new TreeSet<>();
    if (only != null) {
      asked.add(only);
    } else {
      board.of(name).forEach(s -> asked.add(s.getString("node")));
      asked.add(nodes.self());
    }
    ask(asked, new JsonObject().put("query", "minutes").put("breaker", name).put("from", from).put("to", to))
        .onSuccess(answers -> {
          Map<Long, JsonObject> merged = new TreeMap<>();
          JsonArray perNode = new JsonArray();
          JsonObject thresholds = null;
          for (JsonObject answer : answers.answered()) {
            JsonArray minutes = answer.getJsonArray("minutes", new JsonArray());
            if (minutes.isEmpty()) {
              continue;
            }
            perNode.add(new JsonObject().put("node", answer.getString("node")).put("minutes", minutes.size()));
            thresholds = thresholds != null ? thresholds : answer.getJsonObject("thresholds");
            for (Object m : minutes) {
              JsonObject minute = (JsonObject) m;
              merged.merge(minute.getLong("at"), minute.copy(), HistoryApi::add);
            }
          }
          BreakerApi.json(ctx, 200, new JsonObject().put("breaker", name).put("from", from).put("to", to)
              .put("nodes", perNode).put("unreachable", answers.unreachable()).put("thresholds", thresholds)
              .put("minutes", new JsonArray(new ArrayList<>(merged.values()))));
        });
  }

  /** Two instances' same minute as one. */
  private static JsonObject add(JsonObject a, JsonObject b) {
    for (String group : List.of("calls", "state_ms")) {
      JsonObject sum = a.getJsonObject(group);
      b.getJsonObject(group).forEach(e -> sum.put(e.getKey(), sum.getLong(e.getKey(), 0L) + ((Number) e.getValue()).longValue()));
    }
    for (String rate : List.of("failure_rate", "slow_call_rate")) {
      a.put(rate, Math.max(a.getDouble(rate), b.getDouble(rate)));
    }
    JsonObject latency = a.getJsonObject("latency_ms");
    b.getJsonObject("latency_ms").forEach(e -> latency.put(e.getKey(),
        Math.max(latency.getDouble(e.getKey()), ((Number) e.getValue()).doubleValue())));
    return a;
  }

  /**
   * {@code GET /api/transitions?since=&breaker=&limit=}: the transitions of every node's breaker
   * instances since {@code since} (the last 24 h by default), newest first, at most {@code limit}
   * (1,000 by default). Each is the event as published, with its trip evidence.
   */
  private void transitions(RoutingContext ctx) {
    long now = System.currentTimeMillis();
    Long since = millis(ctx, "since", now - HistoryStore.KEPT_MILLIS);
    Long limit = millis(ctx, "limit", DEFAULT_TRANSITIONS);
    if (since == null || limit == null) {
      return;
    }
    if (limit < 1 || limit > MAX_TRANSITIONS) {
      BreakerApi.error(ctx, 400, "bad_request", "limit must be from 1 to " + MAX_TRANSITIONS + " (got " + limit + ")");
      return;
    }
    JsonObject query = new JsonObject().put("query", "transitions").put("since", since);
    String breaker = ctx.queryParams().get("breaker");
    if (breaker != null) {
      query.put("breaker", breaker);
    }
    ask(nodes.nodes(), query).onSuccess(answers -> BreakerApi.jsonOffTheLoop(writer, ctx, new JsonObject().put("since", since)
        .put("unreachable", answers.unreachable()).put("transitions", newestFirst(answers, "transitions", limit))));
  }

  /** Every node's audit trail, merged newest first: {@code {"entries": [...], "unreachable": [...]}}. */
  Future<JsonObject> audit(int limit) {
    return ask(nodes.nodes(), new JsonObject().put("query", "audit").put("limit", limit)).map(answers -> new JsonObject()
        .put("entries", newestFirst(answers, "entries", limit)).put("unreachable", answers.unreachable()));
  }

  /** The nodes' lists under {@code field} as one, newest first by {@code at}, at most {@code limit}. */
  private static JsonArray newestFirst(NodeQuery.Answers answers, String field, long limit) {
    List<JsonObject> all = new ArrayList<>();
    answers.answered().forEach(a -> a.getJsonArray(field, new JsonArray()).forEach(e -> all.add((JsonObject) e)));
    all.sort(Comparator.comparingLong((JsonObject e) -> e.getLong("at", 0L)).reversed());
    return new JsonArray(new ArrayList<>(all.subList(0, (int) Math.min(limit, all.size()))));
  }

  private Future<NodeQuery.Answers> ask(Set<String> asked, JsonObject query) {
    return nodes.ask(asked, Addresses::history, query);
  }

  /** A query parameter in whole numbers, or its default; null once a bad one is answered with 400. */
  private static Long millis(RoutingContext ctx, String name, long otherwise) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      BreakerApi.error(ctx, 400, "bad_request", name + " must be a whole number (epoch milliseconds for times; got "
          + text + ")");
      return null;
    }
  }
}
