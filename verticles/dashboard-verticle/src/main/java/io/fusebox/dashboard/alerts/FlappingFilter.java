package io.fusebox.dashboard.alerts;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a breaker that keeps changing state into one alert: its {@code transitions}-th transition
 * within {@code windowMillis} raises a {@link Alert.Kind#FLAPPING} alert instead of its own, the
 * transitions after it raise none, and once the breaker has been still for the window, one
 * {@link Alert.Kind#FLAPPING_ENDED} says how many there were. Keeps at most {@code transitions}
 * instants per breaker that changed state within the window. Used on one event loop.
 */
final class FlappingFilter {

  private final int transitions;
  private final long windowMillis;
  private final Map<String, Breaker> breakers = new HashMap<>();
  /** how many breakers may be known before the quiet ones are dropped; doubles with the busy ones */
  private int pruneAt = 64;
  private long prunedAtMillis;

  private static final class Breaker {
    final ArrayDeque<Long> recent = new ArrayDeque<>();
    /** transitions since it began flapping, the one that made it flap included; 0 when not flapping */
    int flapping;
    Alert last;
  }

  FlappingFilter(int transitions, long windowMillis) {
    this.transitions = transitions;
    this.windowMillis = windowMillis;
  }

  /** What to send for this transition: itself, a flapping alert, or nothing (null). */
  Alert onTransition(Alert alert) {
    long now = alert.atEpochMillis();
    Breaker b = breakers.computeIfAbsent(alert.breaker(), name -> new Breaker());
    b.last = alert;
    if (b.flapping > 0) {
      b.flapping++;
      return null;
    }
    b.recent.addLast(now);
    while (!b.recent.isEmpty() && now - b.recent.peekFirst() > windowMillis) {
      b.recent.removeFirst();
    }
    if (b.recent.size() < transitions) {
      forgetOthers(now);
      return alert;
    }
    b.recent.clear();
    b.flapping = transitions;
    return new Alert(Alert.Kind.FLAPPING, alert.breaker(), alert.node(), null, alert.to(),
        transitions + " transitions within " + windowMillis / 1000 + " s", now, null, null, transitions, null);
  }

  boolean isFlapping(String breaker) {
    Breaker b = breakers.get(breaker);
    return b != null && b.flapping > 0;
  }

  /**
   * Ends the breaker's flapping if its last transition is a window old at {@code nowMillis}: the
   * alert that says so, or null (not flapping, or not still long enough yet).
   */
  Alert stillSince(String breaker, long nowMillis) {
    Breaker b = breakers.get(breaker);
    if (b == null || b.flapping == 0 || nowMillis - b.last.atEpochMillis() < windowMillis) {
      return null;
    }
    breakers.remove(breaker);
    return new Alert(Alert.Kind.FLAPPING_ENDED, breaker, b.last.node(), null, b.last.to(), null, nowMillis, null,
        null, b.flapping, null);
  }

  /**
   * Drops what is known of breakers quiet for a window, so that memory follows the busy ones: when
   * twice as many are known as after the last look, or a window after it.
   */
  private void forgetOthers(long now) {
    if (breakers.size() > pruneAt || now - prunedAtMillis > windowMillis) {
      prunedAtMillis = now;
      breakers.values().removeIf(b -> b.flapping == 0 && now - b.recent.peekLast() > windowMillis);
      pruneAt = Math.max(64, 2 * breakers.size());
    }
  }

  /** The breakers flapping now: {@code [{"breaker", "transitions", "state", "last_at"}]}. */
  JsonArray flapping() {
    JsonArray list = new JsonArray();
    breakers.forEach((name, b) -> {
      if (b.flapping > 0) {
        list.add(new JsonObject().put("breaker", name).put("transitions", b.flapping).put("state", b.last.to())
            .put("last_at", b.last.atEpochMillis()));
      }
    });
    return list;
  }

  int known() {
    return breakers.size();
  }
}
