package io.fusebox.dashboard;

import io.fusebox.protocol.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/alerts}: what every node's alerts do now. Each node alerts for its own breaker
 * instances, so each is asked ({@link NodeQuery}): its sinks with their deliveries, the breakers it
 * sees flapping, and its recent alerts. Nothing secret is in it: a webhook shows its origin only.
 */
final class AlertsApi {

  private final NodeQuery nodes;

  AlertsApi(NodeQuery nodes) {
    this.nodes = nodes;
  }

  void mount(Router router) {
    router.get("/api/alerts").handler(this::alerts);
  }

  private void alerts(RoutingContext ctx) {
    nodes.ask(nodes.nodes(), Addresses::alerts, new JsonObject()).onSuccess(answers -> BreakerApi.json(ctx, 200,
        new JsonObject().put("nodes", new JsonArray(answers.answered())).put("unreachable", answers.unreachable())));
  }
}
