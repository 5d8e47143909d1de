package io.fusebox.breaker;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.AdminAction;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.PublishedSnapshot;
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
  private static final List<String> AUDIT_FIELDS = List.of("by", "reason", "until");

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
    String unaudited = auditProblem(request, (String) action);
    if (unaudited == null && request.containsKey("until")
        && instances.stream().anyMatch(i -> PublishedSnapshot.IN_PROCESS.equals(i.getString("kind")))) {
      unaudited = "breaker '" + name + "' runs in process somewhere, and an in-process breaker keeps no expiry:"
          + " force it open or disable it without one, and close it when done";
    }
    if (unaudited != null) {
      fail(message, ErrorCode.BAD_REQUEST, name, unaudited);
      return;
    }
    // who and why travel with the action, so that every instance shows them next to the state they force
    for (String field : AUDIT_FIELDS) {
      if (request.containsKey(field)) {
        apply.put(field, request.getValue(field));
      }
    }
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

  /**
   * What is wrong with an action's {@code by}, {@code reason} and {@code until}, all optional here
   * (the HTTP API requires a reason of its callers), or null: an expiry only for a mode that lasts.
   */
  private static String auditProblem(JsonObject request, String action) {
    Object by = request.getValue("by");
    Object reason = request.getValue("reason");
    Object until = request.getValue("until");
    if (by != null && !(by instanceof String b && b.length() <= 64)) {
      return "by must be a name of at most 64 characters";
    }
    if (reason != null && !(reason instanceof String r && r.length() <= AdminAction.MAX_REASON)) {
      return "reason must be a text of at most " + AdminAction.MAX_REASON + " characters";
    }
    if (until != null) {
      boolean lasting = AdminAction.FORCE_OPEN.wireName().equals(action) || AdminAction.DISABLE.wireName().equals(action);
      if (!lasting || !(until instanceof Number) || request.containsKey("key")) {
        return "until (when the breaker returns to automatic) goes only with force_open or disable of a whole breaker,"
            + " as epoch milliseconds";
      }
    }
    return null;
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
