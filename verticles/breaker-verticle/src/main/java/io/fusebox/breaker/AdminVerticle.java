package io.fusebox.breaker;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.AdminAction;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.SnapshotBoard;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Answers {@code fusebox.admin} on this node. Reads come from the cluster-wide snapshot board;
 * actions are published to every instance of the breaker, on every node, whichever node answered.
 */
public final class AdminVerticle extends VerticleBase {

  private static final String KNOWN = "list, get, " + AdminAction.wireNames();

  private final Duration snapshotInterval;
  private SnapshotBoard board;

  public AdminVerticle(Duration snapshotInterval) {
    this.snapshotInterval = snapshotInterval;
  }

  @Override
  public Future<?> start() {
    board = new SnapshotBoard(vertx, snapshotInterval);
    return Future.all(board.ready(), vertx.eventBus().<Object>consumer(Addresses.ADMIN, this::onAdmin).completion());
  }

  private void onAdmin(Message<Object> message) {
    if (!(message.body() instanceof JsonObject request)) {
      fail(message, ErrorCode.BAD_REQUEST, null, "the request must be a JSON object {\"action\", \"breaker\"}");
      return;
    }
    Object action = request.getValue("action");
    Object breaker = request.getValue("breaker");
    if ("list".equals(action)) {
      message.reply(new JsonObject().put("breakers", new JsonArray(board.all())));
      return;
    }
    if (!"get".equals(action) && AdminAction.fromWireName(action).isEmpty()) {
      fail(message, ErrorCode.BAD_REQUEST, null, "unknown action '" + action + "' (expected one of " + KNOWN + ")");
      return;
    }
    if (!(breaker instanceof String name) || name.isEmpty()) {
      fail(message, ErrorCode.BAD_REQUEST, null, "action '" + action + "' needs a breaker name");
      return;
    }
    List<JsonObject> instances = board.of(name);
    if (instances.isEmpty()) {
      fail(message, ErrorCode.UNKNOWN_BREAKER, name, "no breaker '" + name + "' has reported in the last "
          + SnapshotBoard.staleAfterMillis(snapshotInterval) + " ms");
      return;
    }
    if ("get".equals(action)) {
      message.reply(new JsonObject().put("breaker", name).put("instances", new JsonArray(instances)));
      return;
    }
    vertx.eventBus().publish(Addresses.adminApply(name), new JsonObject().put("action", action));
    message.reply(new JsonObject().put("action", action).put("breaker", name).put("instances", instances.size()));
  }

  private static void fail(Message<?> message, ErrorCode code, String breaker, String detail) {
    FuseboxError.of(code, breaker, null, detail).failOn(message);
  }
}
