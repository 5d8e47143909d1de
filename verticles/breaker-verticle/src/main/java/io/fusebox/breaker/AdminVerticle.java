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
    JsonObject apply = new JsonObject().put("action", action);
    if (request.containsKey("key")) {
      String problem = keyProblem(request.getValue("key"), (String) action, instances);
      if (problem != null) {
        fail(message, ErrorCode.BAD_REQUEST, name, problem);
        return;
      }
      apply.put("key", request.getString("key"));
    }
    vertx.eventBus().publish(Addresses.adminApply(name), apply);
    JsonObject reply = new JsonObject().put("action", action).put("breaker", name).put("instances", instances.size());
    message.reply(apply.containsKey("key") ? reply.put("key", apply.getString("key")) : reply);
  }

  /** Why an action cannot take this key, or null when it can: a keyed family's key of bounded length. */
  private static String keyProblem(Object key, String action, List<JsonObject> instances) {
    if (!(key instanceof String text) || text.isEmpty() || text.length() > KeySource.MAX_KEY_LENGTH) {
      return "key must be a string of 1 to " + KeySource.MAX_KEY_LENGTH + " characters";
    }
    if (!instances.get(0).containsKey("keyed")) {
      return "breaker '" + instances.get(0).getString("breaker") + "' is not keyed: its actions take no key";
    }
    if (AdminAction.FALLBACK_ON.wireName().equals(action) || AdminAction.FALLBACK_OFF.wireName().equals(action)) {
      return "the fallback switch is the whole family's: " + action + " takes no key";
    }
    return null;
  }

  private static void fail(Message<?> message, ErrorCode code, String breaker, String detail) {
    FuseboxError.of(code, breaker, null, detail).failOn(message);
  }
}
