package io.fusebox.dashboard;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.AdminAction;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.SnapshotBoard;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The REST API: snapshots of every breaker in the cluster, and admin actions that need the bearer
 * token (401 without it or with a wrong one, 403 when no token is configured). Errors are
 * {@code {"error","detail"}}.
 */
final class BreakerApi {

  private final Vertx vertx;
  /** Where long answers are written, off the event loop. */
  private final WorkerExecutor writer;
  private final SnapshotBoard board;
  private final BearerToken token;
  private final AdminThrottle throttle = new AdminThrottle();

  BreakerApi(Vertx vertx, WorkerExecutor writer, SnapshotBoard board, BearerToken token) {
    this.vertx = vertx;
    this.writer = writer;
    this.board = board;
    this.token = token;
  }

  void mount(Router router) {
    router.get("/api/breakers").handler(this::list);
    router.get("/api/breakers/:name").handler(this::get);
    router.post("/api/breakers/:name/:action").handler(this::act);
    router.route("/api/*").handler(ctx -> error(ctx, 404, "not_found", "no such endpoint: " + ctx.request().method() + " " + ctx.normalizedPath()));
  }

  /**
   * Encoded on a worker: thousands of breakers make megabytes of JSON. The snapshots are the board's
   * as received, which nothing changes afterwards.
   */
  private void list(RoutingContext ctx) {
    List<JsonObject> all = board.all();
    writer.executeBlocking(() -> Buffer.buffer(new JsonObject().put("breakers", new JsonArray(all)).encode()), false)
        .onSuccess(encoded -> ctx.response().putHeader("content-type", "application/json").end(encoded))
        .onFailure(e -> error(ctx, 500, "encoding_failed", "the snapshots could not be encoded: " + e.getMessage()));
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

  private void act(RoutingContext ctx) {
    String address = ctx.request().remoteAddress().host();
    long wait = throttle.waitSeconds(address);
    if (wait > 0) {
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      error(ctx, 429, "too_many_attempts", "too many refused admin requests from " + address + "; retry in " + wait + " s");
      return;
    }
    if (!token.configured()) {
      throttle.refused(address, ctx.normalizedPath(), "admin is off");
      error(ctx, 403, "admin_disabled", "admin actions are off: no admin token is configured (fusebox.http.admin_token)");
      return;
    }
    if (!token.matches(ctx.request().getHeader("Authorization"))) {
      throttle.refused(address, ctx.normalizedPath(), "missing or wrong bearer token");
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fusebox\"");
      error(ctx, 401, "unauthorized", "admin actions need the header Authorization: Bearer <admin token>");
      return;
    }
    AdminAction action = AdminAction.fromUrlName(ctx.pathParam("action")).orElse(null);
    if (action == null) {
      error(ctx, 400, "bad_request", "unknown action '" + ctx.pathParam("action") + "' (expected one of "
          + AdminAction.urlNames() + ")");
      return;
    }
    JsonObject request = new JsonObject().put("action", action.wireName()).put("breaker", ctx.pathParam("name"));
    // a keyed family's key: ?key=acme (the admin handler checks it)
    String key = ctx.queryParams().get("key");
    if (key != null) {
      request.put("key", key);
    }
    vertx.eventBus().<JsonObject>request(Addresses.ADMIN, request)
        .onSuccess(reply -> json(ctx, 200, reply.body()))
        .onFailure(failure -> {
          if (failure instanceof ReplyException re && re.failureCode() > 0) {
            FuseboxError e = FuseboxError.parse(re.failureCode(), re.getMessage());
            error(ctx, re.failureCode(), e.code().error(), e.detail());
          } else {
            error(ctx, 503, "unavailable", "the admin handler did not answer: " + failure.getMessage());
          }
        });
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  static void error(RoutingContext ctx, int status, String error, String detail) {
    json(ctx, status, new JsonObject().put("error", error).put("detail", detail));
  }
}
