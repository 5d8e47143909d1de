package io.fusebox.protocol;

import io.fusebox.core.BreakerState;
import io.fusebox.core.Transition;
import io.fusebox.core.WindowCounts;
import io.vertx.core.json.JsonObject;

/** The JSON shape of a transition event on {@code fusebox.events}. */
public final class TransitionJson {

  private TransitionJson() {
  }

  /**
   * A transition event; one that opens the breaker also carries {@code window}, the window as it
   * was at the trip ({@code {"calls", "failures", "slow_calls", "failure_rate", "slow_call_rate"}}),
   * the evidence of why it opened.
   */
  public static JsonObject transition(Transition t, String node) {
    JsonObject event = new JsonObject()
        .put("type", "transition")
        .put("breaker", t.breaker())
        .put("node", node)
        .put("from", t.from().wireName())
        .put("to", t.to().wireName())
        .put("reason", t.reason())
        .put("at", t.atEpochMillis());
    if (t.to() == BreakerState.OPEN) {
      WindowCounts w = t.window();
      event.put("window", new JsonObject()
          .put("calls", w.calls())
          .put("failures", w.failures())
          .put("slow_calls", w.slowCalls())
          .put("failure_rate", w.failureRate())
          .put("slow_call_rate", w.slowCallRate()));
    }
    return event;
  }

  /** What a reader of {@code fusebox.events} needs of a transition: whose, and to which state. */
  public record Heard(String breaker, String node, BreakerState to) {
  }

  /**
   * @throws IllegalArgumentException when the event is not a transition this version can read
   */
  public static Heard read(JsonObject event) {
    String breaker = event.getString("breaker");
    String node = event.getString("node");
    String to = event.getString("to");
    if (breaker == null || node == null || to == null) {
      throw new IllegalArgumentException("not a transition event: " + event.encode());
    }
    return new Heard(breaker, node, BreakerState.fromWireName(to));
  }
}
