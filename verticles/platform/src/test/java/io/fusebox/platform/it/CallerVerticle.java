package io.fusebox.platform.it;

import io.fusebox.protocol.FuseboxClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.LoggerFactory;

/**
 * A user's verticle, packaged by the test into a jar in {@code lib/}: on start it calls the breaker
 * named in its config and logs what came back.
 */
public final class CallerVerticle extends VerticleBase {

  @Override
  public Future<?> start() {
    String breaker = config().getString("breaker");
    FuseboxClient client = FuseboxClient.create(vertx);
    vertx.setTimer(500, id -> client.http(breaker).get("/from-user-verticle")
        .onSuccess(r -> LoggerFactory.getLogger(CallerVerticle.class)
            .info("caller verticle got HTTP {} from {}", r.body().getInteger("status"), breaker))
        .onFailure(e -> LoggerFactory.getLogger(CallerVerticle.class).error("caller verticle failed: {}", e.toString())));
    return client.ready();
  }
}
