package io.fusebox.platform.it;

import io.fusebox.vertx.FuseboxBreaker;
import io.fusebox.vertx.FuseboxWebClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/**
 * A user's verticle protecting a WebClient call with an in-process breaker, as the README shows it:
 * the breaker takes its configuration from the node's {@code circuit_breakers.in_process.catalog}.
 * It fetches {@code config.url} on each message to {@code app.catalog} and replies with the status.
 */
public final class CatalogVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    int port = config().getInteger("port");
    FuseboxBreaker breaker = FuseboxBreaker.create(vertx, "catalog");
    FuseboxWebClient catalog = FuseboxWebClient.wrap(WebClient.create(vertx), breaker);
    return vertx.eventBus().<JsonObject>consumer("app.catalog", message ->
        catalog.send(catalog.client().get(port, "127.0.0.1", "/items"))
            .onSuccess(response -> message.reply(new JsonObject().put("status", response.statusCode())))
            .onFailure(e -> message.fail(503, e.getMessage()))).completion();
  }
}
