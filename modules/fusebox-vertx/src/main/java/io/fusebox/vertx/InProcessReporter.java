package io.fusebox.vertx;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Transition;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.metrics.BreakerMeters.Result;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.AdminAction;
import io.fusebox.protocol.PublishedSnapshot;
import io.fusebox.protocol.SnapshotBoard;
import io.fusebox.protocol.TransitionJson;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes an in-process breaker a breaker of the platform, off its call path: publishes transitions
 * and snapshots as a breaker verticle does (marked {@code "kind": "in_process"}), obeys admin actions
 * sent to {@code fusebox.admin.<breaker>}, feeds the meters from each snapshot (counts since the
 * last one, so a call costs no meter update), and moves time along with a timer. Runs on the
 * breaker's event loop only.
 */
final class InProcessReporter {

  private static final Logger LOG = LoggerFactory.getLogger(FuseboxBreaker.class);

  private final FuseboxBreaker owner;
  private final Vertx vertx;
  private final CircuitBreaker breaker;
  private final String node;
  private final String dependency;
  private final long callTimeoutMillis;
  private final long snapshotIntervalMillis;
  private final boolean publish;
  private final BreakerMeters meters;
  private final PublishedSnapshot.Thresholds thresholds;
  private final Supplier<PublishedSnapshot.Fallback> fallback;
  private MessageConsumer<JsonObject> admin;
  private long periodic = -1;
  private final long[] reported = new long[Result.values().length];
  private long reportedTimed;
  private long reportedTimedNanos;

  InProcessReporter(FuseboxBreaker owner, Vertx vertx, CircuitBreaker breaker, BreakerConfig config, String node,
      String dependency, long snapshotIntervalMillis, boolean publish, BreakerMeters meters,
      Supplier<PublishedSnapshot.Fallback> fallback) {
    this.owner = owner;
    this.vertx = vertx;
    this.breaker = breaker;
    this.node = node;
    this.dependency = dependency;
    this.callTimeoutMillis = config.callTimeout().toMillis();
    this.snapshotIntervalMillis = snapshotIntervalMillis;
    this.publish = publish;
    this.meters = meters;
    this.fallback = fallback;
    this.thresholds = PublishedSnapshot.Thresholds.of(config);
  }

  /** On the breaker's event loop: what is registered here runs there. */
  void start() {
    breaker.addListener(this::onTransition);
    periodic = vertx.setPeriodic(SnapshotBoard.millisToNextTick(snapshotIntervalMillis, System.currentTimeMillis()),
        snapshotIntervalMillis, id -> {
      breaker.tick();
      publishSnapshot();
    });
    if (publish) {
      admin = vertx.eventBus().consumer(Addresses.adminApply(breaker.name()), this::onAdmin);
    }
    publishSnapshot();
  }

  private void onTransition(Transition t) {
    if (meters != null) {
      meters.transition(t.from(), t.to());
    }
    LOG.info("breaker={} node={} kind=in_process transition {}->{} reason=\"{}\"", breaker.name(), node,
        t.from().wireName(), t.to().wireName(), t.reason());
    if (publish) {
      vertx.eventBus().publish(Addresses.EVENTS, TransitionJson.transition(t, node));
    }
    publishSnapshot();
    if (t.to() == BreakerState.OPEN) {
      vertx.setTimer(Math.max(1, breaker.retryAfterMillis()), id -> breaker.tick());
    } else if (t.to() == BreakerState.HALF_OPEN) {
      // the leases of the probes admitted now end a call_timeout later
      vertx.setTimer(callTimeoutMillis + 1, id -> breaker.tick());
    }
  }

  private void onAdmin(Message<JsonObject> message) {
    AdminAction action = AdminAction.fromWireName(message.body().getString("action", "")).orElse(null);
    if (action == null) {
      LOG.warn("breaker {} ignored unknown admin action '{}'", breaker.name(), message.body().getValue("action"));
      return;
    }
    owner.apply(action);
  }

  void publishSnapshot() {
    BreakerSnapshot snapshot = breaker.snapshot();
    owner.published(snapshot);
    if (meters != null) {
      report(Result.SUCCESS, snapshot.successCalls());
      report(Result.FAILURE, snapshot.failureCalls());
      report(Result.IGNORED, snapshot.ignoredCalls());
      report(Result.REJECTED, snapshot.rejectedCalls());
      report(Result.TIMEOUT, snapshot.timeoutCalls());
      long timed = owner.calls().timedCalls();
      long nanos = owner.calls().timedNanos();
      meters.latency(timed - reportedTimed, nanos - reportedTimedNanos);
      reportedTimed = timed;
      reportedTimedNanos = nanos;
      meters.snapshot(snapshot);
    }
    if (publish) {
      vertx.eventBus().publish(Addresses.SNAPSHOTS, new PublishedSnapshot(snapshot, node, PublishedSnapshot.IN_PROCESS,
          dependency, fallback.get(), thresholds, null).toJson(),
          new DeliveryOptions().addHeader(SnapshotBoard.INTERVAL_HEADER, Long.toString(snapshotIntervalMillis)));
    }
  }

  private void report(Result result, long total) {
    meters.calls(result, total - reported[result.ordinal()]);
    reported[result.ordinal()] = total;
  }

  void stop() {
    vertx.cancelTimer(periodic);
    if (admin != null) {
      admin.unregister();
    }
    if (meters != null) {
      meters.close();
    }
  }
}
