package io.fusebox.breaker;

import io.fusebox.adapter.Adapters;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.core.Transition;
import io.fusebox.fallback.FallbackChain;
import io.fusebox.fallback.Fallbacks;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.SnapshotBoard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One protected dependency: owns a {@link CircuitBreaker} and the dependency's adapter (and so its
 * connection pool), and wires the parts that work on them on its event loop, which is what lets the
 * breaker go without locks: the {@link CallPipeline} answers {@code fusebox.call.<name>}, the
 * {@link BreakerReporter} publishes and saves, the {@link ClusterHold} takes part in the cluster
 * verdict, the {@link ActiveProbe} checks a half-open dependency, {@link AdminActions} applies admin
 * actions. The verticle itself registers the consumers, moves time along, takes a new configuration
 * without a redeploy, drains, and starts and stops.
 */
public final class BreakerVerticle extends VerticleBase {

  private final String name;
  /** These, the fallbacks, the verdict and keyed rules are swapped by {@link #reconfigure}. */
  private BreakerConfig config;
  private JsonObject dependency;
  private Duration probeInterval;
  private String dependencyType;
  private final String node;
  private final Duration snapshotInterval;
  private List<Map<String, Object>> fallbackConfig;
  private FallbackChain fallbacks;
  private final NodeServices services;
  /** {@code cluster_verdict}, or null when this instance judges alone. */
  private FuseboxConfig.Verdict verdictRule;
  /** {@code keyed}, or null when the breaker is not a keyed family. */
  private FuseboxConfig.Keyed keyedRule;
  private DependencyAdapter adapter;
  private CircuitBreaker breaker;
  private BreakerMeters meters;
  private FallbackLedger ledger;
  private ClusterHold hold;
  /** Null unless the breaker's instances share their retry budget. */
  private SharedRetryBudget sharedBudget;
  private ActiveProbe activeProbe;
  private BreakerReporter reporter;
  private AdminActions admin;
  private CallPipeline pipeline;
  private KeyedFamily family;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** The breaker's call address; {@link #drain} unregisters it before the rest. */
  private MessageConsumer<Object> calls;
  /** In a cluster, {@code fusebox.call.<breaker>@<node>}: where a caller's router sends to this instance. */
  private MessageConsumer<Object> instanceCalls;
  /** The hash of the node's configuration this breaker runs, shown in its snapshots; null when unknown. */
  private String configVersion;

  public BreakerVerticle(FuseboxConfig.Service service, String node, Duration snapshotInterval, NodeServices services) {
    this(service, node, snapshotInterval, services, null);
  }

  /** @param configVersion the hash of the node's configuration, for snapshots; null when unknown */
  public BreakerVerticle(FuseboxConfig.Service service, String node, Duration snapshotInterval, NodeServices services,
      String configVersion) {
    this(service.name(), service.breaker(), service.dependencyType(), new JsonObject(service.dependency()), node,
        snapshotInterval, null, service.fallback(), probeInterval(service), service.verdict(), service.keyed(), services);
    this.configVersion = configVersion;
  }

  /** Null unless the verticle probes a half-open dependency itself: {@code recovery.probe}, never for a keyed family. */
  private static Duration probeInterval(FuseboxConfig.Service service) {
    return service.keyed() == null ? service.probeInterval() : null;
  }

  /** A service of the configuration with an adapter made by the caller (benchmarks, exotic dependencies). */
  public BreakerVerticle(FuseboxConfig.Service service, String node, Duration snapshotInterval, DependencyAdapter adapter,
      NodeServices services) {
    this(service.name(), service.breaker(), service.dependencyType(), new JsonObject(service.dependency()), node,
        snapshotInterval, adapter, service.fallback(), service.keyed() == null ? service.probeInterval() : null,
        service.verdict(), service.keyed(), services);
  }

  /** With an adapter made by the caller (benchmarks, tests of exotic dependencies). */
  public BreakerVerticle(String name, BreakerConfig config, String dependencyType, DependencyAdapter adapter,
      String node, Duration snapshotInterval, NodeServices services) {
    this(name, config, dependencyType, new JsonObject(), node, snapshotInterval, adapter, List.of(), null, null, null,
        services);
  }

  private BreakerVerticle(String name, BreakerConfig config, String dependencyType, JsonObject dependency,
      String node, Duration snapshotInterval, DependencyAdapter adapter, List<Map<String, Object>> fallbackConfig,
      Duration probeInterval, FuseboxConfig.Verdict verdictRule, FuseboxConfig.Keyed keyedRule, NodeServices services) {
    this.name = name;
    this.config = config;
    this.dependencyType = dependencyType;
    this.dependency = dependency;
    this.node = node;
    this.snapshotInterval = snapshotInterval;
    this.adapter = adapter;
    this.fallbackConfig = fallbackConfig;
    this.probeInterval = probeInterval;
    this.verdictRule = verdictRule;
    this.keyedRule = keyedRule;
    this.services = services;
  }

  @Override
  public Future<?> start() {
    if (adapter == null) {
      adapter = Adapters.factory(dependencyType).create(vertx, dependency);
    }
    fallbacks = Fallbacks.chain(vertx, fallbackConfig);
    ledger = new FallbackLedger(fallbacks.types());
    meters = new BreakerMeters(services.registry(), name, node, fallbacks.types());
    breaker = new CircuitBreaker(name, config, CoarseClock.shared());
    hold = new ClusterHold(vertx, name, node, breaker, verdictRule, SnapshotBoard.staleAfterMillis(snapshotInterval));
    activeProbe = probeInterval == null ? null
        : new ActiveProbe(vertx, breaker, adapter, probeInterval, config.callTimeout().toMillis());
    reporter = new BreakerReporter(vertx, name, node, dependencyType, config, snapshotInterval, breaker, meters, ledger,
        hold, services);
    reporter.reconfigure(config, configVersion, dependencyType);
    reporter.pool(() -> adapter.pool());
    if (keyedRule != null) {
      family = new KeyedFamily(name, config, keyedRule, breaker, reporter::keyTransition);
      reporter.family(family);
    }
    pipeline = new CallPipeline(vertx, name, breaker, meters, ledger, services.tracing() ? services.tracer() : null,
        hold::held, callSetup());
    reporter.errors(pipeline.errors());
    reporter.concurrency(pipeline::concurrency);
    reporter.retry(pipeline::retry);
    reporter.throttling(pipeline::throttling);
    admin = new AdminActions(vertx, name, breaker, ledger, reporter, family);
    reporter.override(admin::override);
    breaker.addListener(this::onTransition);
    return adapter.ready().compose(ready -> reporter.restore()).compose(openForMillis -> {
      if (openForMillis >= 0) {
        vertx.setTimer(Math.max(1, openForMillis), id -> tick());
      }
      admin.restore(AdminOverride.fromJson(reporter.restoredOverride()));
      calls = vertx.eventBus().consumer(Addresses.call(name), pipeline::onCall);
      consumers.add(calls);
      if (vertx.isClustered()) {
        instanceCalls = vertx.eventBus().consumer(Addresses.callOn(name, node), pipeline::onCall);
        consumers.add(instanceCalls);
      }
      consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.adminApply(name), admin::onAdmin));
      // a reader that just started, on this node or another, wants every instance's snapshot
      consumers.add(vertx.eventBus().localConsumer(Addresses.SNAPSHOTS_WANTED_HERE, m -> reporter.publishSnapshot()));
      long every = snapshotInterval.toMillis();
      vertx.setPeriodic(SnapshotBoard.millisToNextTick(every, System.currentTimeMillis()), every, id -> {
        tick();
        reporter.publishPeriodic();
        hold.judge();
      });
      return Future.all(consumers.stream().map(MessageConsumer::completion).toList())
          .compose(ok -> shareRetryBudget())
          .compose(ok -> hold.listen());
    }).onSuccess(ok -> reporter.publishSnapshot());
  }

  /** Starts or stops sharing the retry budget with the other instances, as the configuration says. */
  private Future<Void> shareRetryBudget() {
    boolean wanted = config.retry().enabled() && config.retry().clusterBudget();
    if (wanted && sharedBudget == null) {
      sharedBudget = new SharedRetryBudget(vertx, name, node, pipeline::retryBudget);
      return sharedBudget.ready();
    }
    if (!wanted && sharedBudget != null) {
      SharedRetryBudget stopped = sharedBudget;
      sharedBudget = null;
      return stopped.close();
    }
    return Future.succeededFuture();
  }

  private CallSetup callSetup() {
    return new CallSetup(config, dependencyType, adapter, fallbacks, activeProbe, family,
        keyedRule == null ? null : new KeySource(keyedRule.by()));
  }

  /**
   * Swaps in {@code next} on the verticle's own event loop, without a redeploy: the breaker keeps
   * its state and window ({@link CircuitBreaker#reconfigure}), a keyed family its keys
   * ({@link KeyedFamily#reconfigure}); later calls run by the new call timeout and bulkhead and fall
   * back on the new chain (a new cache starts empty); a changed dependency, of the same kind or
   * another, gets a new pool once it is ready, and the old pool is closed a call timeout later,
   * when every call on it has had its reply; a new cluster verdict rule is judged from the next
   * snapshot on. When the section is the same, only {@code version} changes.
   */
  public Future<Void> reconfigure(FuseboxConfig.Service next, String version) {
    return onOwnLoop(() -> swap(next, version));
  }

  private Future<Void> swap(FuseboxConfig.Service next, String version) {
    JsonObject nextDependency = new JsonObject(next.dependency());
    if (config.equals(next.breaker()) && dependency.equals(nextDependency) && fallbackConfig.equals(next.fallback())
        && Objects.equals(probeInterval, probeInterval(next)) && dependencyType.equals(next.dependencyType())
        && Objects.equals(verdictRule, next.verdict()) && Objects.equals(keyedRule, next.keyed())) {
      configVersion = version;
      reporter.reconfigure(config, version, dependencyType);
      reporter.publishSnapshot();
      return Future.succeededFuture();
    }
    boolean newPool = !nextDependency.equals(dependency) || !dependencyType.equals(next.dependencyType());
    DependencyAdapter nextAdapter = newPool ? Adapters.factory(next.dependencyType()).create(vertx, nextDependency)
        : adapter;
    return nextAdapter.ready().onFailure(e -> nextAdapter.close()).compose(ready -> {
      DependencyAdapter previous = adapter;
      long previousTimeout = config.callTimeout().toMillis();
      config = next.breaker();
      dependency = nextDependency;
      dependencyType = next.dependencyType();
      adapter = nextAdapter;
      probeInterval = probeInterval(next);
      configVersion = version;
      if (!fallbackConfig.equals(next.fallback())) {
        fallbackConfig = next.fallback();
        fallbacks = Fallbacks.chain(vertx, fallbackConfig);
        ledger.types(fallbacks.types());
      }
      breaker.reconfigure(config);
      swapKeys(next.keyed());
      if (activeProbe != null) {
        activeProbe.stop();
      }
      activeProbe = probeInterval == null ? null
          : new ActiveProbe(vertx, breaker, adapter, probeInterval, config.callTimeout().toMillis());
      if (activeProbe != null && breaker.state() == BreakerState.HALF_OPEN) {
        activeProbe.onHalfOpen();
      }
      pipeline.reconfigure(callSetup());
      reporter.reconfigure(config, version, dependencyType);
      if (newPool) {
        vertx.setTimer(previousTimeout + 1_000, id -> previous.close());
      }
      verdictRule = next.verdict();
      return shareRetryBudget().compose(ok -> hold.reconfigure(verdictRule));
    }).onSuccess(ok -> reporter.publishSnapshot());
  }

  /** A family that stays keeps its keys; one that starts starts empty; one that ends forgets them. */
  private void swapKeys(FuseboxConfig.Keyed next) {
    if (next == null) {
      family = null;
    } else if (family == null) {
      family = new KeyedFamily(name, config, next, breaker, reporter::keyTransition);
    } else {
      family.reconfigure(config, next);
    }
    keyedRule = next;
    reporter.family(family);
    admin.family(family);
  }

  /**
   * Stops taking calls (new ones go to other instances, or find no handler) and completes once
   * every call in flight or waiting has had its one reply: what a removed breaker does before it
   * is undeployed.
   */
  public Future<Void> drain() {
    return onOwnLoop(() -> Future.all(calls.unregister(),
            instanceCalls == null ? Future.succeededFuture() : instanceCalls.unregister())
        .compose(ok -> pipeline.idle()));
  }

  /** Runs {@code work} on this verticle's event loop, where its parts may be touched, for a caller on another. */
  private Future<Void> onOwnLoop(Supplier<Future<Void>> work) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(done));
    return done.future();
  }

  /** Moves time-driven state along, except that an instance held open by the cluster does not probe. */
  private void tick() {
    if (!hold.holdsOpen()) {
      breaker.tick();
    }
  }

  private void onTransition(Transition t) {
    hold.onTransition(t);
    reporter.transition(t);
    if (t.to() == BreakerState.OPEN) {
      vertx.setTimer(Math.max(1, breaker.retryAfterMillis()), id -> tick());
    } else if (t.to() == BreakerState.HALF_OPEN) {
      // the leases of the probes admitted now end a call_timeout later
      vertx.setTimer(config.callTimeout().toMillis() + 1, id -> tick());
      if (activeProbe != null) {
        activeProbe.onHalfOpen();
      }
    }
  }

  /** Answers every call still waiting or running, then closes the pool. */
  @Override
  public Future<?> stop() {
    pipeline.stop();
    if (activeProbe != null) {
      activeProbe.stop();
    }
    meters.close();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList())
        .eventually(() -> sharedBudget == null ? Future.succeededFuture() : sharedBudget.close())
        .eventually(() -> hold.stop())
        .eventually(() -> adapter.close());
  }
}
