package io.fusebox.dashboard.history;

import io.fusebox.protocol.Addresses;
import io.fusebox.store.HistoryStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The last 24 hours of this node's breaker instances: a minute of each (calls by outcome, rates,
 * latency quantiles, time in each state) and every transition, heard on {@code fusebox.snapshots}
 * and {@code fusebox.events}, kept in bounded memory and appended to the node's history store at
 * each minute's end, read back at start; and the node's audit trail, saved as each entry comes. Answers {@code fusebox.history.<node>} for the API, which
 * merges the nodes of a cluster. Not on any call's path: a breaker only publishes, as it always does.
 */
public final class HistoryVerticle extends VerticleBase {

  /** What a reload through the admin API says it came through: the API audits those itself. */
  public static final String VIA_API = "api";
  /** The transitions kept, newest first out when more come: a day of a flapping breaker or two. */
  static final int TRANSITIONS_KEPT = 10_000;
  /** Snapshots published at a minute's end are heard this long after it, before the minute closes. */
  private static final long CLOSE_DELAY_MILLIS = 300;

  private final String node;
  private final HistoryStore store;
  private final int keptMinutes;
  private final Map<String, BreakerHistory> breakers = new HashMap<>();
  private final ArrayDeque<JsonObject> transitions = new ArrayDeque<>();
  private final AuditTrail audit = new AuditTrail();
  /** Transitions heard since the last append. */
  private final List<JsonObject> unsaved = new ArrayList<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long minuteStart;
  private long closeTimer = -1;
  /** The last append asked for; the next starts when it ends. */
  private Future<Void> appending = Future.succeededFuture();

  public HistoryVerticle(String node, HistoryStore store) {
    this(node, store, Duration.ofDays(1));
  }

  /** @param retention how long each breaker's minutes are kept in memory, at most a day */
  public HistoryVerticle(String node, HistoryStore store, Duration retention) {
    this.node = node;
    this.store = store;
    this.keptMinutes = (int) Math.max(1, Math.min(MinuteSeries.DAY, retention.toMinutes()));
  }

  private BreakerHistory newHistory(String breaker) {
    return new BreakerHistory(keptMinutes);
  }

  @Override
  public Future<?> start() {
    long now = System.currentTimeMillis();
    minuteStart = now - now % Minute.MILLIS;
    // restored off the event loop (a million rows take seconds), before anything else touches the history
    return store.load(node, now - Math.min(HistoryStore.KEPT_MILLIS, keptMinutes * Minute.MILLIS))
        .compose(rows -> vertx.executeBlocking(() -> {
          restore(rows);
          return null;
        })).compose(restored -> {
      consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, m -> heardSnapshot(m.body())));
      consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> heardTransition(m.body())));
      consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.history(node), this::answer));
      consumers.add(vertx.eventBus().<JsonObject>localConsumer(Addresses.AUDIT, m -> audited(m.body())));
      // reloads that did not come through the API (SIGHUP, the file watch) are audited here
      consumers.add(vertx.eventBus().<JsonObject>localConsumer(Addresses.CONFIG, m -> heardReload(m.body())));
      scheduleClose();
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    });
  }

  private void restore(List<JsonObject> rows) {
    for (JsonObject row : rows) {
      try {
        if ("minute".equals(row.getString("type"))) {
          breakers.computeIfAbsent(row.getString("breaker"), this::newHistory).minutes.add(Minute.fromJson(row));
        } else if ("transition".equals(row.getString("type"))) {
          keep(row);
        } else if ("audit".equals(row.getString("type"))) {
          JsonObject entry = row.copy();
          entry.remove("type");
          audit.record(entry);
        }
      } catch (RuntimeException notARow) {
        // a row of another version or a torn one: the rest still count
      }
    }
  }

  private void heardSnapshot(JsonObject snapshot) {
    if (node.equals(snapshot.getString("node")) && snapshot.getString("breaker") != null) {
      breakers.computeIfAbsent(snapshot.getString("breaker"), this::newHistory).heard(snapshot, minuteStart);
    }
  }

  /** A breaker's own transitions; a keyed family's keys' are too many to keep and are not. */
  private void heardTransition(JsonObject event) {
    String breaker = event.getString("breaker");
    if (!node.equals(event.getString("node")) || breaker == null || event.containsKey("key") || event.getString("to") == null) {
      return;
    }
    breakers.computeIfAbsent(breaker, this::newHistory)
        .transition(event.getString("to"), event.getLong("at", System.currentTimeMillis()), minuteStart);
    keep(event);
    unsaved.add(event);
  }

  /** An entry of the audit trail, saved at once: an admin action is rare, and must not be lost. */
  private void audited(JsonObject entry) {
    JsonObject kept = entry.copy().put("node", node);
    kept.put("at", kept.getLong("at", System.currentTimeMillis()));
    audit.record(kept);
    append(List.of(kept.copy().put("type", "audit")));
  }

  private void heardReload(JsonObject changed) {
    if (node.equals(changed.getString("node")) && !VIA_API.equals(changed.getString("via"))) {
      audited(new JsonObject().put("action", "reload").put("by", changed.getString("by"))
          .put("reason", changed.getString("reason")).put("at", changed.getLong("at"))
          .put("result", "applied").put("version", changed.getString("version"))
          .put("changed", changed.getJsonArray("changed")).put("added", changed.getJsonArray("added"))
          .put("removed", changed.getJsonArray("removed")));
    }
  }

  private void keep(JsonObject transition) {
    transitions.addLast(transition);
    if (transitions.size() > TRANSITIONS_KEPT) {
      transitions.removeFirst();
    }
  }

  private void scheduleClose() {
    long delay = minuteStart + Minute.MILLIS + CLOSE_DELAY_MILLIS - System.currentTimeMillis();
    closeTimer = vertx.setTimer(Math.max(1, delay), id -> {
      closeMinute(minuteStart + Minute.MILLIS);
      scheduleClose();
    });
  }

  /**
   * Ends the minute at {@code end} for every breaker, appends what it kept, and drops what is older
   * than a day.
   */
  private Future<Void> closeMinute(long end) {
    List<JsonObject> rows = new ArrayList<>(unsaved);
    unsaved.clear();
    breakers.forEach((name, history) -> {
      Minute m = history.close(minuteStart, end);
      if (m != null) {
        rows.add(m.toJson().put("type", "minute").put("breaker", name));
      }
    });
    minuteStart += Minute.MILLIS;
    long cutoff = minuteStart - HistoryStore.KEPT_MILLIS;
    while (!transitions.isEmpty() && transitions.peekFirst().getLong("at", 0L) < cutoff) {
      transitions.removeFirst();
    }
    return append(rows);
  }

  /** One append after the other, so that a file keeps them in order and a stop waits for all of them. */
  private Future<Void> append(List<JsonObject> rows) {
    appending = appending.transform(previous -> store.append(node, rows));
    return appending;
  }

  /** Keeps the minute under way too: a node that restarts within it adds the rest to it. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(closeTimer);
    return closeMinute(Math.min(System.currentTimeMillis(), minuteStart + Minute.MILLIS));
  }

  private void answer(Message<JsonObject> request) {
    JsonObject q = request.body() == null ? new JsonObject() : request.body();
    long now = System.currentTimeMillis();
    String breaker = q.getString("breaker");
    if ("audit".equals(q.getString("query"))) {
      request.reply(new JsonObject().put("node", node).put("entries", audit.newest(q.getInteger("limit", AuditTrail.KEPT))));
      return;
    }
    if ("transitions".equals(q.getString("query"))) {
      long since = q.getLong("since", now - HistoryStore.KEPT_MILLIS);
      JsonArray found = new JsonArray();
      for (Iterator<JsonObject> it = transitions.descendingIterator(); it.hasNext(); ) {
        JsonObject t = it.next();
        if (t.getLong("at", 0L) < since) {
          break;
        }
        if (breaker == null || breaker.equals(t.getString("breaker"))) {
          found.add(t);
        }
      }
      request.reply(new JsonObject().put("node", node).put("transitions", found));
      return;
    }
    BreakerHistory history = breaker == null ? null : breakers.get(breaker);
    JsonArray minutes = new JsonArray();
    if (history != null) {
      long from = q.getLong("from", now - HistoryStore.KEPT_MILLIS) / Minute.MILLIS;
      long to = q.getLong("to", now) / Minute.MILLIS;
      history.minutes.between(from, to).forEach(m -> minutes.add(m.toJson()));
    }
    request.reply(new JsonObject().put("node", node).put("minutes", minutes)
        .put("thresholds", history == null ? null : history.thresholds()));
  }
}
