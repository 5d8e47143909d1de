package io.fusebox.dashboard;

import io.fusebox.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * {@code GET, POST /api/controls/<name>}: a control that a verticle of this node offers the page
 * (the demo's upstream is one) by answering on {@code fusebox.control.<name>}, local to the node. A
 * GET reads it, a POST sends the JSON body as a change; the verticle's JSON reply is the answer.
 * The dashboard knows no control itself, and the page only reaches these addresses.
 */
final class ControlApi {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  private final Vertx vertx;

  ControlApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.route("/api/controls/:name").handler(this::control);
  }

  private void control(RoutingContext ctx) {
    String name = ctx.pathParam("name");
    if (!NAME.matcher(name).matches()) {
      BreakerApi.error(ctx, 404, "not_found", "no such control");
      return;
    }
    JsonObject change = new JsonObject();
    if ("POST".equals(ctx.request().method().name())) {
      try {
        change = ctx.body().asJsonObject();
      } catch (RuntimeException e) {
        BreakerApi.error(ctx, 400, "bad_request", "the body must be a JSON object");
        return;
      }
      if (change == null) {
        change = new JsonObject();
      }
    }
    vertx.eventBus().<JsonObject>request(Addresses.CONTROL_PREFIX + name, change,
            new DeliveryOptions().setLocalOnly(true))
        .onSuccess(reply -> BreakerApi.json(ctx, 200, reply.body()))
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            BreakerApi.error(ctx, 404, "not_found", "no control named " + name + " on this node");
          } else if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            BreakerApi.error(ctx, 400, "bad_request", re.getMessage());
          } else {
            BreakerApi.error(ctx, 503, "unavailable", e.getMessage());
          }
        });
  }
}
