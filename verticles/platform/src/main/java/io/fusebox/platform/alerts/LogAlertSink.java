package io.fusebox.platform.alerts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Alerts as WARN lines of the node's log, under their own logger so that they can be routed. */
final class LogAlertSink implements AlertSink {

  private static final Logger LOG = LoggerFactory.getLogger("io.fusebox.alerts");

  @Override
  public void send(Alert alert) {
    LOG.warn("alert {}: {}", alert.kind().wireName, alert.text());
  }

  @Override
  public void close() {
  }
}
