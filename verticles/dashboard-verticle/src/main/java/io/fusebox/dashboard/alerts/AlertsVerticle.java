package io.fusebox.dashboard.alerts;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tells people when this node's breakers open, recover, close or flap ({@code fusebox.alerts}).
 * It reads the transitions every breaker publishes on {@code fusebox.events}, so that nothing of
 * it runs on a call's path, and keeps to this node's own: in a cluster every node hears every
 * transition, and each would page for the others'. Answers {@code fusebox.alerts.<node>} with what
 * its alerts do now, for the dashboard; with no sink configured it still keeps the recent alerts,
 * so the page shows what would have been sent.
 */
public final class AlertsVerticle extends VerticleBase {

  private final FuseboxConfig.Alerts config;
  private final String node;
  private final List<AlertSink> sinks = new ArrayList<>();
  private final Map<String, Long> stillTimers = new HashMap<>();
  /** The last {@value #RECENT} alerts raised, newest last. */
  private final ArrayDeque<JsonObject> recent = new ArrayDeque<>();
  private FlappingFilter flapping;
  private MessageConsumer<Object> events;
  private MessageConsumer<JsonObject> status;

  static final int RECENT = 50;

  public AlertsVerticle(FuseboxConfig.Alerts config, String node) {
    this.config = config;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    flapping = new FlappingFilter(config.flappingTransitions(), config.flappingWindow().toMillis());
    for (FuseboxConfig.AlertSink sink : config.sinks()) {
      sinks.add("webhook".equals(sink.type()) ? new WebhookAlertSink(vertx, sink) : new LogAlertSink());
    }
    events = vertx.eventBus().<Object>consumer(Addresses.EVENTS, message -> {
      // whatever else is published there is not a transition
      if (message.body() instanceof JsonObject event) {
        onEvent(event);
      }
    });
    status = vertx.eventBus().consumer(Addresses.alerts(node), message -> message.reply(status()));
    return Future.all(events.completion(), status.completion());
  }

  private JsonObject status() {
    JsonArray newestFirst = new JsonArray();
    recent.descendingIterator().forEachRemaining(newestFirst::add);
    return new JsonObject().put("node", node)
        .put("sinks", new JsonArray(sinks.stream().map(AlertSink::status).toList()))
        .put("flapping", flapping.flapping())
        .put("recent", newestFirst);
  }

  private void onEvent(JsonObject event) {
    if (!"transition".equals(event.getString("type")) || !node.equals(event.getString("node"))) {
      return;
    }
    Alert alert = toAlert(event);
    if (alert == null) {
      return;
    }
    Alert sent = flapping.onTransition(alert);
    if (sent != null) {
      send(sent);
    }
    if (flapping.isFlapping(alert.breaker())) {
      waitForStill(alert.breaker());
    }
  }

  /** A flapping breaker is still once a whole window passes without a transition of it. */
  private void waitForStill(String breaker) {
    Long previous = stillTimers.remove(breaker);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
    stillTimers.put(breaker, vertx.setTimer(config.flappingWindow().toMillis(), id -> {
      stillTimers.remove(breaker);
      Alert ended = flapping.stillSince(breaker, System.currentTimeMillis());
      if (ended != null) {
        send(ended);
      }
    }));
  }

  private void send(Alert alert) {
    if (recent.size() == RECENT) {
      recent.removeFirst();
    }
    recent.addLast(new JsonObject().put("kind", alert.kind().wireName).put("breaker", alert.breaker())
        .put("at", alert.atEpochMillis()).put("text", alert.text()));
    for (AlertSink sink : sinks) {
      sink.send(alert);
    }
  }

  /**
   * Null for a transition no one is paged for: into half-open or disabled, and back to open from
   * half-open (the dependency is still down; its probes failed), which is also not flapping.
   */
  private static Alert toAlert(JsonObject event) {
    String from = event.getString("from");
    String to = event.getString("to");
    Alert.Kind kind;
    if ("forced_open".equals(to) || "open".equals(to) && !"half_open".equals(from)) {
      kind = Alert.Kind.OPEN;
    } else if ("closed".equals(to)) {
      kind = "half_open".equals(from) ? Alert.Kind.RECOVERY : Alert.Kind.CLOSE;
    } else {
      return null;
    }
    Long at = event.getLong("at");
    JsonObject override = event.getJsonObject("override");
    String reason = override == null ? event.getString("reason")
        : "by " + override.getString("by") + ": " + override.getString("reason")
            + (override.getLong("until") == null ? "" : " (until " + Instant.ofEpochMilli(override.getLong("until")) + ")");
    return new Alert(kind, event.getString("breaker"), event.getString("node"), from, to, reason,
        at == null ? System.currentTimeMillis() : at, event.getJsonObject("window"), event.getJsonArray("errors"), 1,
        event.getString("config_version"));
  }

  @Override
  public Future<?> stop() {
    sinks.forEach(AlertSink::close);
    return Future.all(events.unregister(), status.unregister());
  }
}
