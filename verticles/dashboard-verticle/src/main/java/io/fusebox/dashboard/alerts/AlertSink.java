package io.fusebox.dashboard.alerts;

import io.vertx.core.json.JsonObject;

/** Somewhere alerts go. Called on the alerts verticle's event loop; never blocks it. */
interface AlertSink {

  void send(Alert alert);

  /**
   * Where it delivers and how that goes, for the dashboard: {@code type}, {@code target} (a
   * webhook's origin, never its path or headers), {@code delivered}, and what a sink that can fail
   * adds (waiting, retries, give-ups, drops, its last delivery).
   */
  JsonObject status();

  /** Stops sending; alerts still waiting are dropped (and said so in the log). */
  void close();
}
