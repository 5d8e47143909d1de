package io.fusebox.dashboard;

import io.fusebox.core.Durations;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.AdminAction;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.dashboard.history.AuditTrail;
import io.fusebox.dashboard.history.HistoryVerticle;
import io.fusebox.protocol.SnapshotBoard;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The REST API: snapshots of every breaker in the cluster, admin actions that need an operator's
 * token and a reason (401 without a token of ours, 403 for a viewer's or when none is configured,
 * 400 without a reason), and the audit trail of those actions, which needs any token of ours.
 * Errors are {@code {"error","detail"}}.
 */
final class BreakerApi {

  private final Vertx vertx;
  /** Where long answers are written, off the event loop. */
  private final WorkerExecutor writer;
  private final SnapshotBoard board;
  private final ApiTokens tokens;
  private final AdminThrottle throttle = new AdminThrottle();
  /** Asks the nodes' history, where the audit trail is kept. */
  private final HistoryApi history;

  /** The longest an override may be given to last. */
  static final Duration MAX_FOR = Duration.ofDays(7);

  BreakerApi(Vertx vertx, WorkerExecutor writer, SnapshotBoard board, ApiTokens tokens, HistoryApi history) {
    this.vertx = vertx;
    this.history = history;
    this.writer = writer;
    this.board = board;
    this.tokens = tokens;
  }

  void mount(Router router) {
    router.get("/api/breakers").handler(this::list);
    router.get("/api/breakers/:name").handler(this::get);
    router.post("/api/breakers/:name/:action").handler(this::act);
    router.post("/api/reload").handler(this::reload);
    router.get("/api/audit").handler(this::audit);
    router.route("/api/*").handler(ctx -> error(ctx, 404, "not_found", "no such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath()));
  }

  /**
   * Encoded on a worker: thousands of breakers make megabytes of JSON. The snapshots are the board's
   * as received, which nothing changes afterwards.
   */
  private void list(RoutingContext ctx) {
    jsonOffTheLoop(writer, ctx, new JsonObject().put("breakers", new JsonArray(board.all())));
  }

  /**
   * A 200 whose JSON may take megabytes, encoded on {@code writer}: what goes in it is not changed
   * afterwards (snapshots as received, events as published).
   */
  static void jsonOffTheLoop(WorkerExecutor writer, RoutingContext ctx, JsonObject body) {
    writer.executeBlocking(() -> Buffer.buffer(body.encode()), false)
        .onSuccess(encoded -> ctx.response().putHeader("content-type", "application/json").end(encoded))
        .onFailure(e -> error(ctx, 500, "encoding_failed", "the answer could not be encoded: " + e.getMessage()));
  }

  private void get(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    List<JsonObject> instances = board.of(name);
    if (instances.isEmpty()) {
      error(ctx, 404, "unknown_breaker", "no breaker '" + name + "' has reported recently");
    } else {
      json(ctx, 200, new JsonObject().put("breaker", name).put("instances", new JsonArray(instances)));
    }
  }

  /** An admin request's operator and reason. */
  private record Authorised(ApiTokens.Caller caller, String reason) {
  }

  /**
   * The operator and the reason of an admin request, or null once it is refused: not an operator's
   * token (401, 403), no reason or one too long (400).
   */
  private Authorised authorise(RoutingContext ctx, JsonObject body) {
    ApiTokens.Caller caller = caller(ctx, "admin actions");
    if (caller == null) {
      return null;
    }
    if (caller.role() != ApiTokens.Role.OPERATOR) {
      error(ctx, 403, "forbidden", caller.name() + " is a viewer: admin actions need an operator's token");
      return null;
    }
    String reason = param(ctx, body, "reason");
    if (reason == null || reason.isBlank()) {
      error(ctx, 400, "reason_required", "an admin action needs a reason, for the audit trail: ?reason=... or"
          + " {\"reason\": \"...\"}");
      return null;
    }
    if (reason.length() > AdminAction.MAX_REASON) {
      error(ctx, 400, "bad_request", "the reason is longer than " + AdminAction.MAX_REASON + " characters");
      return null;
    }
    return new Authorised(caller, reason.strip());
  }

  private void act(RoutingContext ctx) {
    JsonObject body = body(ctx);
    Authorised who = authorise(ctx, body);
    if (who == null) {
      return;
    }
    AdminAction action = AdminAction.fromUrlName(ctx.pathParam("action")).orElse(null);
    if (action == null) {
      error(ctx, 400, "bad_request", "unknown action '" + ctx.pathParam("action") + "' (expected one of "
          + AdminAction.urlNames() + ")");
      return;
    }
    // one clock read: the trail's until - at is exactly the duration asked for
    long now = System.currentTimeMillis();
    JsonObject request = new JsonObject().put("action", action.wireName()).put("breaker", ctx.pathParam("name"))
        .put("by", who.caller().name()).put("reason", who.reason());
    String lasting = param(ctx, body, "for");
    if (lasting != null) {
      Duration duration;
      try {
        duration = Durations.parse(lasting);
      } catch (IllegalArgumentException e) {
        duration = Duration.ZERO;
      }
      if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(MAX_FOR) > 0) {
        error(ctx, 400, "bad_request", "for must be a duration from 1s to 7d, such as 30m (got " + lasting + ")");
        return;
      }
      request.put("until", now + duration.toMillis());
    }
    // a keyed family's key: ?key=acme (the admin handler checks it)
    String key = param(ctx, body, "key");
    if (key != null) {
      request.put("key", key);
    }
    forward(ctx, Addresses.ADMIN, request, now, (entry, reply) -> entry.put("instances", reply.getInteger("instances")));
  }

  /**
   * {@code POST /api/reload?reason=...}: this node reads its configuration file again and brings its
   * breakers to it; the answer says what changed, or why the file was refused (400
   * {@code invalid_config}: nothing changed).
   */
  private void reload(RoutingContext ctx) {
    Authorised who = authorise(ctx, body(ctx));
    if (who == null) {
      return;
    }
    JsonObject request = new JsonObject().put("action", "reload").put("by", who.caller().name())
        .put("reason", who.reason()).put("via", HistoryVerticle.VIA_API);
    forward(ctx, Addresses.RELOAD, request, System.currentTimeMillis(), (entry, reply) -> entry
        .put("version", reply.getString("version")).put("changed", reply.getJsonArray("changed"))
        .put("added", reply.getJsonArray("added")).put("removed", reply.getJsonArray("removed")));
  }

  /**
   * Sends an admin request, answers with its reply and records it in the trail as sent at
   * {@code at}, with how it went and, when applied, what {@code applied} takes from the reply.
   */
  private void forward(RoutingContext ctx, String address, JsonObject request, long at,
      BiConsumer<JsonObject, JsonObject> applied) {
    JsonObject entry = request.copy().put("at", at);
    vertx.eventBus().<JsonObject>request(address, request)
        .onSuccess(reply -> {
          applied.accept(entry.put("result", "applied"), reply.body());
          audit(entry);
          json(ctx, 200, reply.body());
        })
        .onFailure(failure -> {
          if (failure instanceof ReplyException re && re.failureCode() > 0) {
            FuseboxError e = FuseboxError.parse(re.failureCode(), re.getMessage());
            audit(entry.put("result", e.code().error()));
            error(ctx, re.failureCode(), e.code().error(), e.detail());
          } else {
            audit(entry.put("result", "unavailable"));
            error(ctx, 503, "unavailable", "the admin handler did not answer: " + failure.getMessage());
          }
        });
  }

  /** Hands an entry to this node's history, which keeps and saves the trail. */
  private void audit(JsonObject entry) {
    vertx.eventBus().send(Addresses.AUDIT, entry);
  }

  /**
   * {@code GET /api/audit?limit=100}: the admin actions and reloads of every node, newest first,
   * each with the node whose API took it.
   */
  private void audit(RoutingContext ctx) {
    if (caller(ctx, "the audit trail") == null) {
      return;
    }
    int limit = 100;
    String asked = ctx.queryParams().get("limit");
    if (asked != null) {
      try {
        limit = Integer.parseInt(asked);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > AuditTrail.KEPT) {
        error(ctx, 400, "bad_request", "limit must be a number from 1 to " + AuditTrail.KEPT + " (got " + asked + ")");
        return;
      }
    }
    history.audit(limit).onSuccess(entries -> json(ctx, 200, entries));
  }

  /**
   * Who a request comes from, or null once it is answered: 429 while its address is slowed down, 403
   * when no token is configured, 401 without a token of ours (which counts against the address).
   */
  private ApiTokens.Caller caller(RoutingContext ctx, String what) {
    String address = ctx.request().remoteAddress().host();
    long wait = throttle.waitSeconds(address);
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      error(ctx, 429, "too_many_attempts", "too many refused admin requests from " + address + "; retry in " + wait + " s");
      return null;
    }
    if (!tokens.configured()) {
      throttle.refused(address, ctx.normalizedPath(), "admin is off");
      error(ctx, 403, "admin_disabled", what + " are off: no token is configured (fusebox.http.admin_token or"
          + " fusebox.http.tokens)");
      return null;
    }
    ApiTokens.Caller caller = tokens.identify(ctx.request().getHeader("Authorization"));
    if (caller == null) {
      throttle.refused(address, ctx.normalizedPath(), "missing or wrong bearer token");
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fusebox\"");
      error(ctx, 401, "unauthorized", what + " need the header Authorization: Bearer <token>");
      return null;
    }
    return caller;
  }

  /** A JSON body's object, or an empty one (none, or not an object: the parameters may be in the query). */
  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      return body == null ? new JsonObject() : body;
    } catch (RuntimeException notAnObject) {
      return new JsonObject();
    }
  }

  /** A parameter from the JSON body, else from the query; null when neither has it as text. */
  private static String param(RoutingContext ctx, JsonObject body, String name) {
    Object value = body.getValue(name);
    return value instanceof String text ? text : ctx.queryParams().get(name);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String error, String detail) {
    json(ctx, status, new JsonObject().put("error", error).put("detail", detail));
  }
}
