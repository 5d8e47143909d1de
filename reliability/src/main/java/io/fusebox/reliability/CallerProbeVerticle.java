package io.fusebox.reliability;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.Headers;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * A user's verticle deployed inside the node (from {@code --classpath}): it calls a breaker over the
 * local event bus on its own event loop and reports, over HTTP, how late its own timers fired, the
 * measure of whether a caller of a hung dependency stays responsive.
 */
public final class CallerProbeVerticle extends AbstractVerticle {

  private static final long TICK_MILLIS = 10;

  private long maxLagMillis;
  private long ticks;
  private long sent;
  private long replied;
  private long expectedAt;

  @Override
  public void start(Promise<Void> started) {
    JsonObject config = config();
    String address = Addresses.call(config.getString("target"));
    DeliveryOptions options = new DeliveryOptions().addHeader(Headers.TIMEOUT_MS, "2000");
    expectedAt = System.nanoTime() + TICK_MILLIS * 1_000_000;
    vertx.setPeriodic(TICK_MILLIS, id -> {
      long now = System.nanoTime();
      maxLagMillis = Math.max(maxLagMillis, (now - expectedAt) / 1_000_000);
      expectedAt = now + TICK_MILLIS * 1_000_000;
      ticks++;
      if (ticks % 2 == 0) {
        sent++;
        vertx.eventBus().request(address, new JsonObject().put("path", "/probe"), options)
            .onComplete(ar -> replied++);
      }
    });
    // each read reports the worst lateness since the previous read, so that a reader can compare phases
    vertx.createHttpServer()
        .requestHandler(request -> {
          JsonObject report = new JsonObject().put("max_lag_ms", maxLagMillis).put("ticks", ticks).put("sent", sent)
              .put("replied", replied);
          maxLagMillis = 0;
          request.response().putHeader("content-type", "application/json").end(report.encode());
        })
        .listen(config.getInteger("port"), "127.0.0.1")
        .<Void>mapEmpty().onComplete(started);
  }
}
