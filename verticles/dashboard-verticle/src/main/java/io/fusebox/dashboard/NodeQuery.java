package io.fusebox.dashboard;

import io.fusebox.protocol.SnapshotBoard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Asks nodes, each at an address of its own ({@code fusebox.history.<node>}, {@code fusebox.alerts.<node>}),
 * and gathers who answered: what a node keeps of its own instances (history, alerts) is merged by
 * the API of whichever node the caller asked. A node that does not answer within
 * {@link #NODE_TIMEOUT_MILLIS} is named in {@code unreachable}.
 */
final class NodeQuery {

  static final long NODE_TIMEOUT_MILLIS = 2_000;

  private final Vertx vertx;
  private final SnapshotBoard board;
  private final String node;

  NodeQuery(Vertx vertx, SnapshotBoard board, String node) {
    this.vertx = vertx;
    this.board = board;
    this.node = node;
  }

  record Answers(List<JsonObject> answered, JsonArray unreachable) {
  }

  /** The nodes the board knows, and this one. */
  Set<String> nodes() {
    Set<String> nodes = new TreeSet<>();
    board.all().forEach(s -> nodes.add(s.getString("node")));
    nodes.add(node);
    return nodes;
  }

  /** This node's name. */
  String self() {
    return node;
  }

  /** Asks each of {@code nodes} at its {@code address}; completes once each has answered or timed out. */
  Future<Answers> ask(Set<String> nodes, Function<String, String> address, JsonObject query) {
    List<Future<JsonObject>> asked = new ArrayList<>();
    for (String n : nodes) {
      asked.add(vertx.eventBus().<JsonObject>request(address.apply(n), query,
          new DeliveryOptions().setSendTimeout(NODE_TIMEOUT_MILLIS)).map(m -> m.body()));
    }
    return Future.join(asked).transform(done -> {
      List<JsonObject> answered = new ArrayList<>();
      JsonArray unreachable = new JsonArray();
      int i = 0;
      for (String n : nodes) {
        Future<JsonObject> f = asked.get(i++);
        if (f.succeeded()) {
          answered.add(f.result());
        } else {
          unreachable.add(n);
        }
      }
      return Future.succeededFuture(new Answers(answered, unreachable));
    });
  }
}
