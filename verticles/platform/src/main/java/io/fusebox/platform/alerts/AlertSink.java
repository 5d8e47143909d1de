package io.fusebox.platform.alerts;

/** Somewhere alerts go. Called on the alerts verticle's event loop; never blocks it. */
interface AlertSink {

  void send(Alert alert);

  /** Stops sending; alerts still waiting are dropped (and said so in the log). */
  void close();
}
