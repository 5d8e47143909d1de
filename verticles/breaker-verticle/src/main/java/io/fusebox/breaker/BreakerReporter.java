package io.fusebox.breaker;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Transition;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.metrics.BreakerMeters.Result;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.PublishedSnapshot;
import io.fusebox.protocol.SnapshotBoard;
import io.fusebox.protocol.TransitionJson;
import io.fusebox.store.BreakerRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a breaker tells the world: transitions (logged and published on {@code fusebox.events}),
 * snapshots (published on {@code fusebox.snapshots} and fed to the meters), and its state in the
 * store, saved on every change and put back on start.
 */
final class BreakerReporter {

  private static final Logger LOG = LoggerFactory.getLogger(BreakerVerticle.class);
  /** One JSON line per transition, when asked for, for log pipelines. */
  private static final Logger TRANSITIONS = LoggerFactory.getLogger("fusebox.transitions");

  private final Vertx vertx;
  private final String name;
  private final String node;
  private String dependencyType;
  private final CircuitBreaker breaker;
  private final BreakerMeters meters;
  private final FallbackLedger ledger;
  private final ClusterHold hold;
  private final NodeServices services;
  private PublishedSnapshot.Thresholds thresholds;
  /** The hash of the configuration the breaker runs, when the node knows it: snapshots show it. */
  private String configVersion;
  private final String intervalHeader;
  private PublishedSnapshot lastPublished;
  /** What the snapshot adds to the core's figures: a keyed family's keys, a dependency's members. */
  private JsonObject lastExtras;
  /**
   * The number of {@link #lastPublished}, new for each that differs; starts anywhere, so that a
   * redeployed breaker's need not follow. Its JSON is not kept: thousands of breakers would each
   * hold kilobytes to spare a rebuild every second interval.
   */
  private long sequence = System.nanoTime();
  /** The keys of a keyed family; null when the breaker is not keyed. */
  private KeyedFamily family;
  /** The dependency's members and their ejections, null for a dependency of one. */
  private Supplier<JsonObject> pool = () -> null;
  /** Intervals since {@link #lastPublished} went out unchanged. */
  private int quietIntervals;
  private static final int TOP_ERRORS = 5;
  private Supplier<AdminOverride> override = () -> null;
  /** An adaptive concurrency limit's figures; null (and left out) when the limit is static. */
  private Supplier<JsonObject> concurrency = () -> null;
  /** The retry budget's figures; null (and left out) when the breaker does not retry. */
  private Supplier<JsonObject> retry = () -> null;
  /** The throttling state's figures; null (and left out) when it is off. */
  private Supplier<JsonObject> throttling = () -> null;
  private boolean throttlingActive;
  private JsonObject restoredOverride;
  /** The kinds of failure since the last transition; null until the pipeline hands them over. */
  private ErrorClasses errors;
  /** The core's {@link CircuitBreaker#changeMark()} when the last snapshot was built. */
  private long builtMark;

  BreakerReporter(Vertx vertx, String name, String node, String dependencyType, BreakerConfig config,
      Duration snapshotInterval, CircuitBreaker breaker, BreakerMeters meters, FallbackLedger ledger, ClusterHold hold,
      NodeServices services) {
    this.vertx = vertx;
    this.intervalHeader = Long.toString(snapshotInterval.toMillis());
    this.name = name;
    this.node = node;
    this.dependencyType = dependencyType;
    this.breaker = breaker;
    this.meters = meters;
    this.ledger = ledger;
    this.hold = hold;
    this.services = services;
    this.thresholds = PublishedSnapshot.Thresholds.of(config);
  }

  /**
   * Logs and publishes a transition, then the snapshot it changed, then saves the new state. A trip
   * carries the kinds of failure the calls met since the last transition, most counted first.
   */
  void transition(Transition t) {
    meters.transition(t.from(), t.to());
    JsonObject event = TransitionJson.transition(t, node);
    if (t.to() == BreakerState.OPEN && event.getJsonObject("window") != null) {
      // the evidence: the latencies the calls had, and which configuration judged them
      BreakerSnapshot now = breaker.snapshot();
      event.getJsonObject("window").put("latency_ms", new JsonObject().put("p50", now.p50Millis())
          .put("p95", now.p95Millis()).put("p99", now.p99Millis()));
    }
    if (configVersion != null) {
      event.put("config_version", configVersion);
    }
    AdminOverride inForce = override.get();
    if (inForce != null && (t.to() == BreakerState.FORCED_OPEN || t.to() == BreakerState.DISABLED)) {
      // who forced it and why, for the timeline and the alert; set before the transition it causes
      event.put("override", inForce.toJson());
    }
    if (errors != null) {
      if (t.to() == BreakerState.OPEN && !errors.isEmpty()) {
        event.put("errors", errors.top(TOP_ERRORS));
      }
      errors.clear();
    }
    if (services.jsonTransitionLog()) {
      TRANSITIONS.info(event.encode());
    } else {
      LOG.info("breaker={} node={} transition {}->{} reason=\"{}\"", name, node, t.from().wireName(),
          t.to().wireName(), t.reason());
    }
    vertx.eventBus().publish(Addresses.EVENTS, event);
    publishSnapshot();
    persist();
  }

  /**
   * The throttling state began or ended (seen in a snapshot published): logged and published on
   * {@code fusebox.events} as {@code {"type":"throttling","breaker","node","active","refused_share",
   * "failure_rate","at"}}, which the dashboard's timeline shows beside the transitions.
   */
  private void tellIfThrottlingTurned(JsonObject figures) {
    boolean active = figures.getBoolean("active");
    if (active == throttlingActive) {
      return;
    }
    throttlingActive = active;
    LOG.info("breaker={} node={} throttling {} (failure rate {}, refusing {})", name, node, active ? "began" : "ended",
        String.format(Locale.ROOT, "%.2f", figures.getDouble("failure_rate")),
        String.format(Locale.ROOT, "%.2f", figures.getDouble("refused_share")));
    vertx.eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "throttling").put("breaker", name)
        .put("node", node).put("active", active).put("refused_share", figures.getDouble("refused_share"))
        .put("failure_rate", figures.getDouble("failure_rate")).put("at", System.currentTimeMillis()));
  }

  /** Judged against a new configuration from now on (the caller publishes the snapshot). */
  void reconfigure(BreakerConfig config, String version, String dependencyType) {
    thresholds = PublishedSnapshot.Thresholds.of(config);
    configVersion = version;
    this.dependencyType = dependencyType;
  }

  void family(KeyedFamily family) {
    this.family = family;
  }

  void pool(Supplier<JsonObject> pool) {
    this.pool = pool;
  }

  void errors(ErrorClasses errors) {
    this.errors = errors;
  }

  void concurrency(Supplier<JsonObject> concurrency) {
    this.concurrency = concurrency;
  }

  void retry(Supplier<JsonObject> retry) {
    this.retry = retry;
  }

  void throttling(Supplier<JsonObject> throttling) {
    this.throttling = throttling;
  }

  void override(Supplier<AdminOverride> override) {
    this.override = override;
  }

  /** The override saved before the restart, as {@link #restore()} found it; null when none. */
  JsonObject restoredOverride() {
    return restoredOverride;
  }

  /**
   * A key's transition, published on {@code fusebox.events} with its key. Logged at debug: a family
   * of thousands of keys would flood the log; the events, the snapshot and the metrics say it.
   */
  void keyTransition(String key, Transition t) {
    LOG.debug("breaker={} node={} key={} transition {}->{} reason=\"{}\"", name, node, key, t.from().wireName(),
        t.to().wireName(), t.reason());
    vertx.eventBus().publish(Addresses.EVENTS, TransitionJson.transition(t, node).put("key", key));
  }

  /** Publishes the breaker's snapshot now (at start, after a transition or an admin action). */
  void publishSnapshot() {
    publish(current(), extras());
  }

  /**
   * At each snapshot interval: publishes the snapshot when it changed, and an unchanged one every
   * {@value SnapshotBoard#QUIET_EVERY} intervals, as a sign of life. Thousands of idle breakers
   * otherwise kept a node's event loops busy publishing what everyone already knew.
   */
  void publishPeriodic() {
    if (!unchangedSinceBuilt()) {
      PublishedSnapshot current = current();
      JsonObject extras = extras();
      if (!current.equals(lastPublished) || !extras.equals(lastExtras)) {
        publish(current, extras);
        return;
      }
    }
    if (++quietIntervals >= SnapshotBoard.QUIET_EVERY) {
      quietIntervals = 0;
      send();
    }
  }

  /**
   * The snapshot's {@code keyed}, {@code pool}, {@code override}, {@code concurrency},
   * {@code retry} and {@code throttling}, when the breaker has them.
   */
  private JsonObject extras() {
    JsonObject extras = new JsonObject();
    if (family != null) {
      JsonObject summary = family.summary();
      meters.keys(summary.getLong("keys"), family.notClosedCount(), family.evicted(), family.expired(),
          summary.getJsonArray("listed").stream().map(k -> ((JsonObject) k).getString("key")).toList());
      extras.put("keyed", summary);
    }
    JsonObject members = pool.get();
    if (members != null) {
      extras.put("pool", members);
    }
    AdminOverride inForce = override.get();
    if (inForce != null) {
      extras.put("override", inForce.toJson());
    }
    JsonObject limit = concurrency.get();
    if (limit != null) {
      meters.concurrency(limit.getInteger("limit"), limit.getInteger("inflight"));
      extras.put("concurrency", limit);
    }
    JsonObject retries = retry.get();
    if (retries != null) {
      extras.put("retry", retries);
    }
    JsonObject throttled = throttling.get();
    if (throttled != null) {
      meters.throttling(throttled.getDouble("refused_share"));
      extras.put("throttling", throttled);
    }
    return extras;
  }

  /**
   * Whether the last snapshot built is still the breaker's, known without building one (in a
   * profile of 10,000 idle breakers, building and comparing snapshots was a fifth of the event
   * loops' sampled time). Keys and members change on their own, so a family or a pool is rebuilt.
   */
  private boolean unchangedSinceBuilt() {
    return lastPublished != null && family == null && lastExtras.isEmpty() && builtMark == breaker.changeMark()
        && lastPublished.core().windowCalls() == 0 && lastPublished.core().state() != BreakerState.HALF_OPEN
        && Objects.equals(lastPublished.verdict(), hold.verdict());
  }

  private PublishedSnapshot current() {
    builtMark = breaker.changeMark();
    BreakerSnapshot snapshot = breaker.snapshot();
    meters.snapshot(snapshot);
    if (family != null) {
      snapshot = familyCounts(snapshot);
    }
    return new PublishedSnapshot(snapshot, node, PublishedSnapshot.VERTICLE, dependencyType, ledger.summary(),
        thresholds, hold.verdict());
  }

  private void publish(PublishedSnapshot snapshot, JsonObject extras) {
    lastPublished = snapshot;
    lastExtras = extras;
    quietIntervals = 0;
    sequence++;
    send();
    JsonObject throttled = extras.getJsonObject("throttling");
    if (throttled != null) {
      tellIfThrottlingTurned(throttled);
    }
  }

  /** The last snapshot, under its number: a sign of life comes under the number of what it repeats. */
  private void send() {
    JsonObject json = lastPublished.toJson().mergeIn(lastExtras);
    if (configVersion != null) {
      json.put("config_version", configVersion);
    }
    vertx.eventBus().publish(Addresses.SNAPSHOTS, json,
        new DeliveryOptions().addHeader(SnapshotBoard.SEQUENCE_HEADER, Long.toString(sequence))
            .addHeader(SnapshotBoard.INTERVAL_HEADER, intervalHeader));
  }

  /**
   * A keyed family's calls are its keys', which its own breaker (the gate of family-wide admin
   * actions) never sees: the snapshot counts them from the meters, which count every call.
   */
  private BreakerSnapshot familyCounts(BreakerSnapshot s) {
    return new BreakerSnapshot(s.breaker(), s.state(), s.sinceEpochMillis(), meters.count(Result.SUCCESS),
        meters.count(Result.FAILURE), meters.count(Result.IGNORED), meters.count(Result.REJECTED),
        meters.count(Result.TIMEOUT), s.failureRate(), s.slowCallRate(), s.windowCalls(), s.p50Millis(), s.p95Millis(),
        s.p99Millis(), s.openTimeoutMillis(), s.backoffLevel(), s.retryAtEpochMillis(), s.probesInFlight());
  }

  /** Saves the breaker's state, off the call path; a store that cannot write keeps it for later. */
  void persist() {
    BreakerSnapshot s = breaker.snapshot();
    AdminOverride inForce = override.get();
    services.store().save(new BreakerRecord(name, node, s.state().wireName(), s.sinceEpochMillis(), s.retryAtEpochMillis(),
        s.backoffLevel(), ledger.enabled(), inForce == null ? null : inForce.toJson())).onFailure(e -> LOG.warn("could not save the state of breaker {}: {}", name,
        e.getMessage()));
  }

  /**
   * Puts back the state saved before a restart: an open breaker stays open for the rest of its
   * timeout (a half-open one goes back to open and probes at once), forced and disabled modes and
   * the fallback switch survive.
   *
   * @return milliseconds until a restored open breaker may probe; -1 when it was not open
   */
  Future<Long> restore() {
    return services.store().load(name, node).map(saved -> saved == null ? -1L : restore(saved));
  }

  private long restore(BreakerRecord saved) {
    restoredOverride = saved.override();
    BreakerState state = BreakerState.fromWireName(saved.state());
    long remainingMillis = Math.max(0, saved.openUntilEpochMillis() - System.currentTimeMillis());
    if (state == BreakerState.HALF_OPEN) {
      state = BreakerState.OPEN;
      remainingMillis = 0;
    }
    breaker.restore(state, saved.sinceEpochMillis(), remainingMillis * 1_000_000, saved.backoffLevel());
    meters.restored(state);
    ledger.enabled(saved.fallbackEnabled());
    LOG.info("breaker={} node={} restored {} (backoff level {}{})", name, node, state.wireName(), saved.backoffLevel(),
        state == BreakerState.OPEN ? ", half-open in " + remainingMillis + " ms" : "");
    return state == BreakerState.OPEN ? remainingMillis : -1;
  }
}
