package io.fusebox.demo;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.PortTaken;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's protected service: a small HTTP server on loopback whose error rate and latency change
 * at runtime through {@code fusebox.demo.upstream} ({@code {"error_rate": 0.9, "latency_ms": 50}};
 * an empty request just reads them). Demo only: a real node protects real services.
 */
public final class DemoUpstreamVerticle extends VerticleBase {

  /** Request/reply: read or change the demo upstream's behaviour. */
  /** Its control on the dashboard page, {@code /api/controls/demo-upstream}. */
  public static final String CONTROL = Addresses.CONTROL_PREFIX + "demo-upstream";
  private static final Logger LOG = LoggerFactory.getLogger(DemoUpstreamVerticle.class);

  private FlakyHttpServer server;

  @Override
  public Future<?> start() {
    JsonObject c = config();
    String host = c.getString("host", "127.0.0.1");
    int port = c.getInteger("port", 9000);
    return FlakyHttpServer.start(vertx, host, port)
        .recover(e -> Future.failedFuture(PortTaken.explain(e, "the demo upstream (its verticle's config: port)",
            host, port)))
        .compose(started -> {
          server = started;
          apply(c);
          LOG.info("demo upstream listening on {}", server.baseUrl());
          // local: in a cluster each node's page and traffic generator control that node's upstream
          return vertx.eventBus().<JsonObject>localConsumer(CONTROL, this::control).completion();
        });
  }

  private void control(Message<JsonObject> message) {
    JsonObject change = message.body() == null ? new JsonObject() : message.body();
    Object rate = change.getValue("error_rate");
    Object latency = change.getValue("latency_ms");
    if ((rate != null && !(rate instanceof Number r && r.doubleValue() >= 0 && r.doubleValue() <= 1))
        || (latency != null && !(latency instanceof Number l && l.longValue() >= 0 && l.longValue() <= 60_000))) {
      message.fail(400, "error_rate must be a number in [0, 1] and latency_ms one in [0, 60000]");
      return;
    }
    if (rate != null || latency != null) {
      apply(change);
      LOG.info("demo upstream now fails {}% of requests with {} ms latency", Math.round(server.errorRate() * 100),
          server.latencyMillis());
    }
    message.reply(state());
  }

  private void apply(JsonObject settings) {
    if (settings.getValue("error_rate") instanceof Number rate) {
      server.errorRate(rate.doubleValue());
    }
    if (settings.getValue("latency_ms") instanceof Number latency) {
      server.latency(Duration.ofMillis(latency.longValue()));
    }
  }

  private JsonObject state() {
    return new JsonObject().put("error_rate", server.errorRate()).put("latency_ms", server.latencyMillis());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
