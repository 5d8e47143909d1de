package io.fusebox.breaker;

import io.fusebox.adapter.Adapters;
import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.DependencyTimeoutException;
import io.fusebox.adapter.Outcome;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.core.Transition;
import io.fusebox.fallback.CacheFallback;
import io.fusebox.fallback.FallbackChain;
import io.fusebox.fallback.FallbackRefusedException;
import io.fusebox.fallback.FallbackRequest;
import io.fusebox.fallback.Fallbacks;
import io.fusebox.fallback.Trigger;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.metrics.BreakerMeters.Result;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.Headers;
import io.fusebox.protocol.SnapshotJson;
import io.fusebox.store.BreakerRecord;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One protected dependency: owns a {@link CircuitBreaker} and the dependency's adapter (and so its
 * connection pool), answers {@code fusebox.call.<name>}, and publishes transitions and snapshots.
 * Everything happens on this verticle's event loop, which is what lets the breaker go without locks.
 */
public final class BreakerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BreakerVerticle.class);
  /** One JSON line per transition, when asked for, for log pipelines. */
  private static final Logger TRANSITIONS = LoggerFactory.getLogger("fusebox.transitions");

  private final String name;
  private final BreakerConfig config;
  private final long callTimeoutMillis;
  private final String dependencyType;
  private final JsonObject dependency;
  private final String node;
  private final Duration snapshotInterval;
  private final List<Map<String, Object>> fallbackConfig;
  private final NodeServices services;
  /** Null unless the verticle probes a half-open dependency itself ({@code recovery.probe}). */
  private final Duration probeInterval;
  /** {@code cluster_verdict}, or null when this instance judges alone. */
  private FuseboxConfig.Verdict verdictRule;
  private ClusterVerdict verdict;
  /** Opened by its own detectors (not by the cluster) and not closed since: this instance's verdict. */
  private boolean locallyOpen;
  /** Kept open by the cluster verdict: another instance probes. */
  private boolean held;
  /** Identifies the current half-open period's probe loop, so that a late one stops. */
  private long probeGeneration;
  private BreakerMeters meters;
  private Tracer tracer;
  private DependencyAdapter adapter;
  private FallbackChain fallbacks;
  private CacheFallback cache;
  /** The runtime switch of the fallback chain (admin fallback_on / fallback_off). */
  private boolean fallbackEnabled = true;
  private final Map<String, Long> fallbackExecutions = new LinkedHashMap<>();
  private long fallbackCalls;
  private CircuitBreaker breaker;
  private Bulkhead bulkhead;
  private final RunningCalls running = new RunningCalls();
  /** The timer armed for the oldest running call's deadline, or {@link Call#NO_TIMER}. */
  private long deadlineTimer = Call.NO_TIMER;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private boolean stopping;

  public BreakerVerticle(FuseboxConfig.Service service, String node, Duration snapshotInterval, NodeServices services) {
    this(service.name(), service.breaker(), service.dependencyType(), new JsonObject(service.dependency()), node,
        snapshotInterval, null, service.fallback(), service.probeInterval(), services);
    this.verdictRule = service.verdict();
  }

  /** With an adapter made by the caller (benchmarks, tests of exotic dependencies). */
  public BreakerVerticle(String name, BreakerConfig config, String dependencyType, DependencyAdapter adapter,
      String node, Duration snapshotInterval, NodeServices services) {
    this(name, config, dependencyType, new JsonObject(), node, snapshotInterval, adapter, List.of(), null, services);
  }

  private BreakerVerticle(String name, BreakerConfig config, String dependencyType, JsonObject dependency,
      String node, Duration snapshotInterval, DependencyAdapter adapter, List<Map<String, Object>> fallbackConfig,
      Duration probeInterval, NodeServices services) {
    this.name = name;
    this.config = config;
    this.callTimeoutMillis = config.callTimeout().toMillis();
    this.dependencyType = dependencyType;
    this.dependency = dependency;
    this.node = node;
    this.snapshotInterval = snapshotInterval;
    this.adapter = adapter;
    this.fallbackConfig = fallbackConfig;
    this.services = services;
    this.probeInterval = probeInterval;
  }

  @Override
  public Future<?> start() {
    if (adapter == null) {
      adapter = Adapters.factory(dependencyType).create(vertx, dependency);
    }
    fallbacks = Fallbacks.chain(vertx, fallbackConfig);
    cache = fallbacks.cache();
    meters = new BreakerMeters(services.registry(), name, node, fallbacks.types());
    tracer = services.tracing() ? services.tracer() : null;
    breaker = new CircuitBreaker(name, config, CoarseClock.shared());
    breaker.addListener(this::onTransition);
    bulkhead = new Bulkhead(config.bulkhead().maxConcurrentCalls(), config.bulkhead().maxWaitQueue());
    return services.store().load(name, node).compose(saved -> {
      if (saved != null) {
        restore(saved);
      }
      consumers.add(vertx.eventBus().consumer(Addresses.call(name), this::onCall));
      consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.adminApply(name), this::onAdmin));
      if (verdictRule != null) {
        verdict = new ClusterVerdict(node, verdictRule, 3 * snapshotInterval.toMillis());
        consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, this::onPeerSnapshot));
        consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.VERDICT_PREFIX + name, m -> onClusterClosed()));
      }
      vertx.setPeriodic(snapshotInterval.toMillis(), id -> {
        tick();
        publishSnapshot();
        judgeCluster();
      });
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    }).onSuccess(ok -> publishSnapshot());
  }

  /**
   * Puts back the state saved before a restart: an open breaker stays open for the rest of its
   * timeout (a half-open one goes back to open and probes at once), forced and disabled modes and
   * the fallback switch survive.
   */
  private void restore(BreakerRecord saved) {
    BreakerState state = BreakerState.fromWireName(saved.state());
    long remainingMillis = Math.max(0, saved.openUntilEpochMillis() - System.currentTimeMillis());
    if (state == BreakerState.HALF_OPEN) {
      state = BreakerState.OPEN;
      remainingMillis = 0;
    }
    breaker.restore(state, saved.sinceEpochMillis(), remainingMillis * 1_000_000, saved.backoffLevel());
    meters.restored(state);
    fallbackEnabled = saved.fallbackEnabled();
    LOG.info("breaker={} node={} restored {} (backoff level {}{})", name, node, state.wireName(), saved.backoffLevel(),
        state == BreakerState.OPEN ? ", half-open in " + remainingMillis + " ms" : "");
    if (state == BreakerState.OPEN) {
      vertx.setTimer(Math.max(1, remainingMillis), id -> tick());
    }
  }

  /** Moves time-driven state along, except that an instance held open by the cluster does not probe. */
  private void tick() {
    if (!(held && breaker.state() == BreakerState.OPEN)) {
      breaker.tick();
    }
  }

  private void onPeerSnapshot(Message<JsonObject> message) {
    JsonObject s = message.body();
    if (name.equals(s.getString("breaker")) && !node.equals(s.getString("node"))) {
      verdict.hear(s.getString("node"), "open".equals(s.getString("verdict")));
      judgeCluster();
    }
  }

  /** Opens this instance once a quorum of the instances is open, and holds it if another one probes. */
  private void judgeCluster() {
    if (verdict == null) {
      return;
    }
    verdict.hear(node, locallyOpen);
    boolean reached = verdict.reached();
    held = reached && !verdict.prober();
    BreakerState s = breaker.state();
    if (reached && s == BreakerState.CLOSED) {
      breaker.transitionTo(BreakerState.OPEN, verdict.reason());
    } else if (held && s == BreakerState.HALF_OPEN) {
      breaker.transitionTo(BreakerState.OPEN, verdict.reason());
    }
  }

  /** The prober closed the breaker: every instance closes. */
  private void onClusterClosed() {
    verdict.closed();
    locallyOpen = false;
    held = false;
    BreakerState s = breaker.state();
    if (s == BreakerState.OPEN || s == BreakerState.HALF_OPEN) {
      breaker.transitionTo(BreakerState.CLOSED, "quorum_closed");
    }
  }

  /** Saves the breaker's state, off the call path; a store that cannot write keeps it for later. */
  private void persist() {
    BreakerSnapshot s = breaker.snapshot();
    services.store().save(new BreakerRecord(name, node, s.state().wireName(), s.sinceEpochMillis(), s.retryAtEpochMillis(),
        s.backoffLevel(), fallbackEnabled)).onFailure(e -> LOG.warn("could not save the state of breaker {}: {}", name, e.getMessage()));
  }

  private void onCall(Message<Object> message) {
    if (!(message.body() instanceof JsonObject operation)) {
      badRequest(message, "the operation must be a JSON object (got " + describe(message.body()) + ")");
      return;
    }
    long timeoutMillis = callTimeoutMillis;
    boolean ownDeadline = false;
    // most calls carry no headers: skip the case-insensitive lookups then
    MultiMap headers = message.headers();
    boolean anyHeaders = !headers.isEmpty();
    String header = anyHeaders ? headers.get(Headers.TIMEOUT_MS) : null;
    if (header != null) {
      long requested = parsePositive(header);
      if (requested <= 0) {
        badRequest(message, Headers.TIMEOUT_MS + " must be a positive whole number of milliseconds (got '"
            + abbreviate(header) + "')");
        return;
      }
      ownDeadline = requested < timeoutMillis;
      timeoutMillis = Math.min(timeoutMillis, requested);
    }
    String invalid = adapter.invalid(operation);
    if (invalid != null) {
      badRequest(message, invalid);
      return;
    }
    // with tracing on, Vert.x carries the trace context to here; adapters whose client does not carry
    // it on (gRPC) are handed the breaker span's
    Span span = tracer == null ? null
        : tracer.spanBuilder("fusebox " + name).setAttribute("fusebox.breaker", name).startSpan();
    String traceparent = span == null ? (anyHeaders ? Headers.validTraceparent(headers.get(Headers.TRACEPARENT)) : null)
        : adapter.tracesItself() ? null : traceparent(span.getSpanContext());
    long now = System.nanoTime();
    Call call = new Call(message, operation, traceparent, now + timeoutMillis * 1_000_000, ownDeadline);
    call.span = span;
    if (stopping) {
      call.fail(ErrorCode.SHUTTING_DOWN, name, state(), "the breaker is being undeployed", 0);
    } else if (stillRejecting()) {
      breaker.countRejected();
      meters.call(Result.REJECTED);
      reject(call);
    } else if (bulkhead.hasSlot()) {
      start(call, now);
    } else if (bulkhead.enqueue(call)) {
      call.timerId = vertx.setTimer(call.remainingMillis(System.nanoTime()), id -> expireWaiting(call));
    } else {
      breaker.countRejected();
      meters.call(Result.REJECTED);
      call.fail(ErrorCode.BULKHEAD_FULL, name, state(), config.bulkhead().maxConcurrentCalls()
          + " calls in flight and " + config.bulkhead().maxWaitQueue() + " waiting", 0);
    }
  }

  private void start(Call call, long now) {
    long permit = breaker.tryAcquire();
    if (permit == CircuitBreaker.REJECTED) {
      meters.call(Result.REJECTED);
      reject(call);
      return;
    }
    call.permit = permit;
    call.startNanos = now;
    bulkhead.occupy();
    running.add(call);
    long remaining = call.remainingMillis(call.startNanos);
    if (call.ownDeadline) {
      call.timerId = vertx.setTimer(remaining, id -> onDeadline(call));
    } else if (deadlineTimer == Call.NO_TIMER) {
      armDeadlineTimer();
    }
    Future<CallResult> result;
    try (Scope scope = call.span == null ? null : call.span.makeCurrent()) {
      result = adapter.call(call.operation, remaining, call.traceparent);
    } catch (RuntimeException bug) {
      onAdapterBug(call, bug);
      return;
    }
    result.onComplete(ar -> onResult(call, ar));
  }

  /**
   * An adapter that throws instead of failing its future is a bug in Fusebox, not a verdict on the
   * dependency: the call is answered 500, counts for nothing and gives its permit back.
   */
  private void onAdapterBug(Call call, RuntimeException bug) {
    LOG.error("adapter of breaker {} threw instead of failing its future", name, bug);
    settle(call);
    breaker.release(call.permit);
    call.fail(ErrorCode.INTERNAL, name, state(), "the " + dependencyType + " adapter failed: " + bug, 0);
    finish(call);
  }

  /**
   * Whether the breaker would refuse a call now, without asking it (which could take a probe
   * permit). With active probes, half-open refuses callers: only the verticle's own checks probe.
   */
  private boolean stillRejecting() {
    BreakerState s = breaker.state();
    if (held && (s == BreakerState.OPEN || s == BreakerState.HALF_OPEN)) {
      return true;
    }
    if (probeInterval != null) {
      return s == BreakerState.FORCED_OPEN || s == BreakerState.OPEN || s == BreakerState.HALF_OPEN;
    }
    return s == BreakerState.FORCED_OPEN || (s == BreakerState.OPEN && breaker.retryAfterMillis() > 0);
  }

  private void reject(Call call) {
    call.settled = true;
    if (breaker.state() == BreakerState.HALF_OPEN && probeInterval == null) {
      failOrFallBack(call, Trigger.HALF_OPEN_FULL, ErrorCode.HALF_OPEN_FULL, "all " + config.recovery().permittedProbes()
          + " probe permits are taken", 0);
    } else {
      long retryAfter = breaker.state() == BreakerState.HALF_OPEN ? probeInterval.toMillis()
          : Math.max(breaker.retryAfterMillis(), probeInterval == null ? 0 : probeInterval.toMillis());
      failOrFallBack(call, Trigger.OPEN, ErrorCode.CIRCUIT_OPEN, "the breaker is " + state(), retryAfter);
    }
  }

  /**
   * Answers a call that got no result from the dependency: from the fallback chain when it is on
   * and one of its entries answers this trigger, else with the error.
   */
  private void failOrFallBack(Call call, Trigger trigger, ErrorCode code, String detail, long retryAfterMillis) {
    if (!fallbackEnabled || fallbacks.isEmpty()) {
      call.fail(code, name, state(), detail, retryAfterMillis);
      return;
    }
    long budget = (call.deadlineNanos - System.nanoTime()) / 1_000_000;
    fallbacks.run(new FallbackRequest(call.operation, adapter.readKey(call.operation), trigger, budget))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            fallbackCalls++;
            fallbackExecutions.merge(ar.result().type(), 1L, Long::sum);
            meters.fallback(ar.result().type());
            call.replyFallback(ar.result(), state());
          } else if (ar.cause() instanceof FallbackRefusedException refused) {
            call.fail(refused.code(), name, state(), refused.getMessage(), 0);
          } else {
            call.fail(code, name, state(), detail + "; " + ar.cause().getMessage(), retryAfterMillis);
          }
        });
  }

  /** Marks the call's outcome as known; false when it already was, and a later result is dropped. */
  private boolean settle(Call call) {
    if (call.settled) {
      return false;
    }
    call.settled = true;
    if (call.timerId != Call.NO_TIMER) {
      vertx.cancelTimer(call.timerId);
    }
    return true;
  }

  private void onResult(Call call, AsyncResult<CallResult> ar) {
    if (!settle(call)) {
      return;
    }
    long elapsed = System.nanoTime() - call.startNanos;
    meters.latency(elapsed);
    if (ar.succeeded()) {
      CallResult r = ar.result();
      switch (r.outcome()) {
        case SUCCESS -> {
          breaker.onSuccess(call.permit, elapsed);
          meters.call(Result.SUCCESS);
          if (cache != null && r.reply() != null) {
            cache.remember(adapter.readKey(call.operation), r.reply());
          }
        }
        case FAILURE -> {
          breaker.onFailure(call.permit, elapsed);
          meters.call(Result.FAILURE);
        }
        case IGNORED -> {
          breaker.onIgnored(call.permit);
          meters.call(Result.IGNORED);
        }
      }
      if (r.reply() != null) {
        call.reply(r.reply(), breaker.state());
      } else if (r.outcome() == Outcome.FAILURE) {
        failOrFallBack(call, Trigger.FAILURE, ErrorCode.DEPENDENCY_FAILURE, r.detail(), 0);
      } else {
        call.fail(ErrorCode.DEPENDENCY_REJECTED, name, state(), r.detail(), 0);
      }
    } else if (ar.cause() instanceof DependencyTimeoutException timeout) {
      breaker.onTimeout(call.permit, elapsed);
      meters.call(Result.TIMEOUT);
      failOrFallBack(call, Trigger.TIMEOUT, ErrorCode.TIMEOUT, timeout.getMessage(), 0);
    } else {
      breaker.onFailure(call.permit, elapsed);
      meters.call(Result.FAILURE);
      failOrFallBack(call, Trigger.FAILURE, ErrorCode.DEPENDENCY_FAILURE, String.valueOf(ar.cause()), 0);
    }
    finish(call);
  }

  private void armDeadlineTimer() {
    Call oldest = running.oldest();
    deadlineTimer = oldest == null ? Call.NO_TIMER
        : vertx.setTimer(oldest.remainingMillis(System.nanoTime()), id -> expireOverdue());
  }

  /** Times out every running call whose deadline has passed, oldest first, then re-arms. */
  private void expireOverdue() {
    long now = System.nanoTime();
    for (Call oldest = running.oldest(); oldest != null && oldest.deadlineNanos <= now + 500_000; oldest = running.oldest()) {
      onDeadline(oldest);
    }
    armDeadlineTimer();
  }

  private void onDeadline(Call call) {
    if (!settle(call)) {
      return;
    }
    long elapsed = System.nanoTime() - call.startNanos;
    breaker.onTimeout(call.permit, elapsed);
    meters.latency(elapsed);
    meters.call(Result.TIMEOUT);
    failOrFallBack(call, Trigger.TIMEOUT, ErrorCode.TIMEOUT, "no result within the deadline", 0);
    finish(call);
  }

  private void expireWaiting(Call call) {
    bulkhead.remove(call);
    breaker.countTimedOutWaiting();
    meters.call(Result.TIMEOUT);
    call.settled = true;
    failOrFallBack(call, Trigger.TIMEOUT, ErrorCode.TIMEOUT, "the deadline passed while waiting for a bulkhead slot", 0);
  }

  /** Frees the call's slot and starts waiting calls in it. */
  private void finish(Call call) {
    running.remove(call);
    bulkhead.free();
    for (Call next = bulkhead.next(); next != null; next = bulkhead.next()) {
      vertx.cancelTimer(next.timerId);
      next.timerId = Call.NO_TIMER;
      start(next, System.nanoTime());
    }
  }

  private void onAdmin(Message<JsonObject> message) {
    String action = message.body().getString("action", "");
    switch (action) {
      case "force_open" -> breaker.forceOpen();
      case "disable" -> breaker.disable();
      case "close" -> breaker.close();
      case "reset" -> breaker.reset();
      case "fallback_on" -> {
        fallbackEnabled = true;
        persist();
      }
      case "fallback_off" -> {
        fallbackEnabled = false;
        persist();
      }
      default -> LOG.warn("breaker {} ignored unknown admin action '{}'", name, abbreviate(action));
    }
    publishSnapshot();
  }

  private void onTransition(Transition t) {
    meters.transition(t.from(), t.to());
    if (verdict != null) {
      if (t.to() == BreakerState.OPEN && !t.reason().startsWith("quorum")) {
        locallyOpen = true;
      } else if (t.to() == BreakerState.CLOSED) {
        boolean clusterWasOpen = verdict.reached();
        locallyOpen = false;
        if (clusterWasOpen && "probes_succeeded".equals(t.reason())) {
          vertx.eventBus().publish(Addresses.VERDICT_PREFIX + name, new JsonObject().put("closed_by", node));
        }
      }
    }
    JsonObject event = SnapshotJson.transition(t, node);
    if (services.jsonTransitionLog()) {
      TRANSITIONS.info(event.encode());
    } else {
      LOG.info("breaker={} node={} transition {}->{} reason=\"{}\"", name, node, t.from().wireName(),
          t.to().wireName(), t.reason());
    }
    vertx.eventBus().publish(Addresses.EVENTS, event);
    publishSnapshot();
    persist();
    if (t.to() == BreakerState.OPEN) {
      vertx.setTimer(Math.max(1, breaker.retryAfterMillis()), id -> tick());
    } else if (t.to() == BreakerState.HALF_OPEN) {
      vertx.setTimer(config.callTimeout().toMillis() + 1, id -> tick());
      if (probeInterval != null) {
        long generation = ++probeGeneration;
        vertx.setTimer(1, id -> probeOnce(generation));
      }
    }
  }

  /**
   * One active recovery probe: a cheap health check of the dependency, judged like a probe call;
   * repeated every {@code recovery.probe.interval} while the breaker stays half-open.
   */
  private void probeOnce(long generation) {
    if (stopping || generation != probeGeneration || breaker.state() != BreakerState.HALF_OPEN) {
      return;
    }
    long permit = breaker.tryAcquire();
    if (permit == CircuitBreaker.REJECTED) {
      vertx.setTimer(probeInterval.toMillis(), id -> probeOnce(generation));
      return;
    }
    long start = System.nanoTime();
    adapter.probe(config.callTimeout().toMillis()).onComplete(ar -> {
      long elapsed = System.nanoTime() - start;
      if (ar.succeeded()) {
        breaker.onSuccess(permit, elapsed);
      } else {
        breaker.onFailure(permit, elapsed);
      }
      vertx.setTimer(probeInterval.toMillis(), id -> probeOnce(generation));
    });
  }

  private void publishSnapshot() {
    JsonObject fallback = new JsonObject()
        .put("enabled", fallbackEnabled)
        .put("types", new JsonArray(fallbacks.types()))
        .put("executions", new JsonObject(new LinkedHashMap<>(fallbackExecutions)));
    BreakerSnapshot snapshot = breaker.snapshot();
    meters.snapshot(snapshot);
    JsonObject json = SnapshotJson.snapshot(snapshot, node, dependencyType, fallbackCalls, fallback, thresholds());
    if (verdict != null) {
      json.put("verdict", locallyOpen ? "open" : "closed");
    }
    vertx.eventBus().publish(Addresses.SNAPSHOTS, json);
  }

  private JsonObject thresholds() {
    return new JsonObject()
        .put("failure_rate", config.failureRate().enabled() ? config.failureRate().threshold() : null)
        .put("slow_call_rate", config.slowCalls().enabled() ? config.slowCalls().rateThreshold() : null)
        .put("minimum_calls", config.failureRate().minimumCalls());
  }

  /** The W3C {@code traceparent} of a span. */
  private static String traceparent(SpanContext span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }

  private String state() {
    return breaker.state().wireName();
  }

  private void badRequest(Message<?> message, String detail) {
    new FuseboxError(ErrorCode.BAD_REQUEST, name, breaker.state().wireName(), detail, 0)
        .failOn(message);
  }

  private static long parsePositive(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String describe(Object body) {
    return body == null ? "no body" : body.getClass().getSimpleName();
  }

  private static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }

  /** Answers every call still waiting or running, then closes the pool. */
  @Override
  public Future<?> stop() {
    stopping = true;
    for (Call call : bulkhead.drainWaiting()) {
      vertx.cancelTimer(call.timerId);
      call.fail(ErrorCode.SHUTTING_DOWN, name, state(), "the breaker was undeployed while the call waited", 0);
    }
    for (Call call = running.oldest(); call != null; call = running.oldest()) {
      running.remove(call);
      breaker.release(call.permit);
      call.fail(ErrorCode.SHUTTING_DOWN, name, state(), "the breaker was undeployed while the call ran", 0);
    }
    meters.close();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> adapter.close());
  }
}
