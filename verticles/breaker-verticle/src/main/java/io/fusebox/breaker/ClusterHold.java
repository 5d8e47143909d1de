package io.fusebox.breaker;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Transition;
import io.fusebox.core.TransitionCause;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.PublishedSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * This instance's part in the cluster verdict ({@code cluster_verdict}): it reports whether its own
 * detectors opened it, opens when a quorum of the breaker's instances is open, and, unless it is
 * the one instance that probes, holds open until the prober closes the breaker for all. Without a
 * verdict rule it does nothing and holds nothing.
 */
final class ClusterHold {

  private final Vertx vertx;
  private final String name;
  private final String node;
  private final CircuitBreaker breaker;
  private final long ttlMillis;
  /** Null when the instance judges alone. */
  private ClusterVerdict verdict;
  private FuseboxConfig.Verdict rule;
  /** Peers' snapshots and the prober's close, while there is a rule. */
  private List<MessageConsumer<?>> consumers = List.of();
  /** Opened by its own detectors (not by the cluster) and not closed since: this instance's verdict. */
  private boolean locallyOpen;
  /** Kept open by the cluster verdict: another instance probes. */
  private boolean held;

  ClusterHold(Vertx vertx, String name, String node, CircuitBreaker breaker, FuseboxConfig.Verdict rule, long ttlMillis) {
    this.vertx = vertx;
    this.name = name;
    this.node = node;
    this.breaker = breaker;
    this.ttlMillis = ttlMillis;
    this.rule = rule;
    this.verdict = rule == null ? null : new ClusterVerdict(node, rule, ttlMillis);
  }

  /** Starts listening to peers' snapshots and the prober's close, when there is a rule. */
  Future<Void> listen() {
    if (verdict == null) {
      return Future.succeededFuture();
    }
    consumers = List.of(
        vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, this::onPeerSnapshot),
        vertx.eventBus().<JsonObject>consumer(Addresses.VERDICT_PREFIX + name, m -> onClusterClosed()));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  /**
   * Takes a new {@code cluster_verdict} (or none) in place. The peers' verdicts are heard again
   * within a snapshot interval; until then this instance counts only itself. An instance open when
   * a rule is set counts as open by its own detectors, since it cannot tell how it opened.
   */
  Future<Void> reconfigure(FuseboxConfig.Verdict next) {
    if (Objects.equals(rule, next)) {
      return Future.succeededFuture();
    }
    boolean listening = verdict != null;
    rule = next;
    held = false;
    if (next == null) {
      verdict = null;
      return stop();
    }
    verdict = new ClusterVerdict(node, next, ttlMillis);
    BreakerState s = breaker.state();
    locallyOpen = s == BreakerState.OPEN || s == BreakerState.HALF_OPEN;
    return listening ? Future.succeededFuture() : listen();
  }

  /** Whether it listens to its peers now. */
  boolean listening() {
    return !consumers.isEmpty();
  }

  Future<Void> stop() {
    List<MessageConsumer<?>> listening = consumers;
    consumers = List.of();
    return Future.all(listening.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  /** Whether the cluster keeps this instance open while another one probes. */
  boolean held() {
    return held;
  }

  /** This instance's verdict for its snapshot ({@code open} or {@code closed}), or null without a rule. */
  String verdict() {
    return verdict == null ? null : locallyOpen ? "open" : "closed";
  }

  void onTransition(Transition t) {
    if (verdict == null) {
      return;
    }
    if (t.to() == BreakerState.OPEN && t.cause() != TransitionCause.REQUESTED) {
      locallyOpen = true;
    } else if (t.to() == BreakerState.CLOSED) {
      boolean clusterWasOpen = verdict.reached();
      locallyOpen = false;
      if (clusterWasOpen && t.cause() == TransitionCause.PROBES_SUCCEEDED) {
        vertx.eventBus().publish(Addresses.VERDICT_PREFIX + name, new JsonObject().put("closed_by", node));
      }
    }
  }

  private void onPeerSnapshot(Message<JsonObject> message) {
    if (verdict == null || !PublishedSnapshot.isOf(message.body(), name)) {
      return;
    }
    PublishedSnapshot s;
    try {
      s = PublishedSnapshot.fromJson(message.body());
    } catch (IllegalArgumentException unreadable) {
      return;
    }
    if (!node.equals(s.node())) {
      verdict.hear(s.node(), s.verdictOpen());
      judge();
    }
  }

  /** Opens this instance once a quorum of the instances is open, and holds it if another one probes. */
  void judge() {
    if (verdict == null) {
      return;
    }
    verdict.hear(node, locallyOpen);
    boolean reached = verdict.reached();
    held = reached && !verdict.prober();
    BreakerState s = breaker.state();
    if (reached && s == BreakerState.CLOSED || held && s == BreakerState.HALF_OPEN) {
      breaker.transitionTo(BreakerState.OPEN, verdict.reason());
    }
  }

  /** The prober closed the breaker: every instance closes. */
  private void onClusterClosed() {
    if (verdict == null) {
      return;
    }
    verdict.closed();
    locallyOpen = false;
    held = false;
    BreakerState s = breaker.state();
    if (s == BreakerState.OPEN || s == BreakerState.HALF_OPEN) {
      breaker.transitionTo(BreakerState.CLOSED, "quorum_closed");
    }
  }

  /** Whether an open instance should wait for the prober instead of going half-open by itself. */
  boolean holdsOpen() {
    return held && breaker.state() == BreakerState.OPEN;
  }
}
