package io.fusebox.dashboard.alerts;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Alerts as WARN lines of the node's log, under their own logger so that they can be routed. */
final class LogAlertSink implements AlertSink {

  private static final String LOGGER = "io.fusebox.alerts";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
  private long delivered;

  @Override
  public void send(Alert alert) {
    LOG.warn("alert {}: {}", alert.kind().wireName, alert.text());
    delivered++;
  }

  @Override
  public JsonObject status() {
    return new JsonObject().put("type", "log").put("target", LOGGER).put("delivered", delivered);
  }

  @Override
  public void close() {
  }
}
