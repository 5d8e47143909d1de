package io.fusebox.platform;

import io.fusebox.breaker.AdminVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.dashboard.ApiTokens;
import io.fusebox.dashboard.DashboardVerticle;
import io.fusebox.metrics.PrometheusNames;
import io.fusebox.dashboard.alerts.AlertsVerticle;
import io.fusebox.platform.bridge.BridgeVerticle;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.SnapshotDemand;
import io.fusebox.dashboard.history.HistoryVerticle;
import io.fusebox.store.FileHistoryStore;
import io.fusebox.store.FileStateStore;
import io.fusebox.store.HistoryStore;
import io.fusebox.store.RedisHistoryStore;
import io.fusebox.store.MemoryStateStore;
import io.fusebox.store.RedisStateStore;
import io.fusebox.store.StateStore;
import io.fusebox.vertx.NodeContext;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * A running Fusebox node: the admin handler, one breaker verticle per service, the HTTP server
 * (dashboard, API, metrics, health), the optional TCP event-bus bridge, and the user's own verticles.
 */
public final class FuseboxNode {

  private static final Logger LOG = LoggerFactory.getLogger(FuseboxNode.class);

  private final Vertx vertx;
  private final FuseboxConfig config;
  private final ClassLoader userClasses;
  /** Where {@link BreakerFleet} reloads the configuration from; null when the node has no file. */
  private final Path file;
  private final Map<String, String> env;
  private final NodeServices services;
  private final HistoryStore history;
  private String historyDeployment;
  /** Null when tracing is off. */
  private final OpenTelemetrySdk openTelemetry;

  private FuseboxNode(Vertx vertx, FuseboxConfig config, Path file, Map<String, String> env, ClassLoader userClasses,
      NodeServices services, HistoryStore history, OpenTelemetrySdk openTelemetry) {
    this.history = history;
    this.vertx = vertx;
    this.config = config;
    this.file = file;
    this.env = env;
    this.userClasses = userClasses;
    this.services = services;
    this.openTelemetry = openTelemetry;
  }

  /**
   * A node that cannot reload its configuration, having no file to read it from.
   *
   * @param userClasses where the classes of {@code fusebox.verticles} are found
   */
  public static Future<FuseboxNode> start(FuseboxConfig config, ClassLoader userClasses) {
    return start(config, null, Map.of(), userClasses);
  }

  /**
   * @param file where {@code config} was read, and a reload reads it again
   * @param env the environment its overrides and placeholders came from, for a reload
   * @param userClasses where the classes of {@code fusebox.verticles} are found
   */
  public static Future<FuseboxNode> start(FuseboxConfig config, Path file, Map<String, String> env,
      ClassLoader userClasses) {
    PrometheusMeterRegistry registry = PrometheusNames.registry();
    // Vert.x's own event-bus, HTTP and pool metrics land in the same registry; they must be enabled
    // when Vert.x is created
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
    var builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    OpenTelemetrySdk openTelemetry = null;
    if (config.tracing().enabled()) {
      openTelemetry = Tracing.sdk(config.tracing(), config.node().name());
      options.setTracingOptions(new OpenTelemetryOptions());
      builder.withTracer(new OpenTelemetryTracingFactory(openTelemetry));
    }
    Future<Vertx> vertx;
    if (config.cluster().enabled()) {
      options.setEventBusOptions(Clustering.eventBus(config.cluster()));
      HazelcastClusterManager manager = Clustering.manager(config.cluster(), config.node().name());
      vertx = builder.with(options).withClusterManager(manager).buildClustered()
          .onSuccess(clustered -> {
            MemberDepartures.announce(clustered, manager);
            MergedRegistrations.watch(clustered, manager);
          });
    } else {
      vertx = Future.succeededFuture(builder.with(options).build());
    }
    OpenTelemetrySdk tracing = openTelemetry;
    return offTheLoops(vertx).compose(started -> {
      FuseboxNode node = new FuseboxNode(started, config, file, env, userClasses,
          new NodeServices(registry, tracing, config.jsonTransitionLog(), store(started, config.store())),
          historyStore(started, config.store()), tracing);
      return offTheLoops(node.deploy().map(node))
          .recover(failure -> node.vertx.close().transform(closed -> Future.failedFuture(failure)));
    });
  }

  /**
   * Where the breakers' history survives restarts: beside a file store's state file (in
   * {@code history/}), under a Redis store's prefix, nowhere with a memory store.
   */
  private static HistoryStore historyStore(Vertx vertx, FuseboxConfig.Store store) {
    return switch (store.type()) {
      case "file" -> new FileHistoryStore(vertx, Path.of(store.path()).toAbsolutePath().getParent().resolve("history"));
      case "redis" -> new RedisHistoryStore(vertx, store.url(), store.prefix());
      default -> HistoryStore.NONE;
    };
  }

  /** Where breaker states survive restarts: {@code fusebox.store}. */
  private static StateStore store(Vertx vertx, FuseboxConfig.Store store) {
    return switch (store.type()) {
      case "file" -> new FileStateStore(vertx, Path.of(store.path()));
      case "redis" -> new RedisStateStore(vertx, store.url(), store.prefix());
      default -> new MemoryStateStore();
    };
  }

  private Future<Void> deploy() {
    String nodeName = config.node().name();
    long started = System.nanoTime();
    // in-process breakers that the user's verticles create find the node's name, registry and their config here
    NodeContext.install(vertx, new NodeContext(nodeName, services.registry(), config.snapshotInterval(),
        config.inProcess()));
    // history and alerts first, so that they hear the breakers' first snapshots and transitions; the
    // dashboard comes after the breakers, and asks them for their snapshots
    return SnapshotDemand.listen(vertx).ready()
        .compose(ok -> vertx.deployVerticle(new HistoryVerticle(nodeName, history, config.historyRetention())))
        .compose(id -> {
          historyDeployment = id;
          return Future.succeededFuture();
        })
        .compose(ok -> vertx.deployVerticle(new AlertsVerticle(config.alerts(), nodeName))
            .onSuccess(id -> {
              if (!config.alerts().sinks().isEmpty()) {
                LOG.info("alerts go to {}", config.alerts().sinks());
              }
            })
            .mapEmpty())
        .compose(ok -> deployBreakers(nodeName, started));
  }

  private Future<Void> deployBreakers(String nodeName, long started) {
    BreakerFleet fleet = new BreakerFleet(config, file, env, userClasses, services);
    FuseboxConfig.Http http = config.http();
    DashboardVerticle.Settings dashboard = new DashboardVerticle.Settings(http.host(), http.port(), apiTokens(http), http.allowedOrigins(),
        config.snapshotInterval(), nodeName, fleet::running);
    return Future.all(vertx.deployVerticle(new AdminVerticle(config.snapshotInterval())), vertx.deployVerticle(fleet))
        .compose(ok -> vertx.deployVerticle(new DashboardVerticle(dashboard, (PrometheusMeterRegistry) services.registry())))
        .compose(ok -> config.bridge().enabled() ? vertx.deployVerticle(new BridgeVerticle(config.bridge()))
            : Future.succeededFuture())
        .compose(ok -> deployUserVerticles())
        .onSuccess(ok -> LOG.info("node {} is up with {} breaker(s), deployed in {} ms", nodeName,
            config.services().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
  }

  private static ApiTokens apiTokens(FuseboxConfig.Http http) {
    return ApiTokens.of(http.adminToken(), http.tokens().stream()
        .map(t -> new ApiTokens.Named(t.name(), t.token(), ApiTokens.Role.of(t.role()))).toList());
  }

  private Future<Void> deployUserVerticles() {
    List<Future<?>> deployed = new ArrayList<>();
    for (FuseboxConfig.UserVerticle v : config.verticles()) {
      Class<? extends Deployable> type;
      try {
        type = Class.forName(v.className(), true, userClasses).asSubclass(Deployable.class);
      } catch (ClassNotFoundException | ClassCastException e) {
        return Future.failedFuture(new IllegalArgumentException("fusebox.verticles: cannot deploy " + v.className()
            + " (" + (e instanceof ClassNotFoundException ? "not found in lib/ or --classpath" : "not a verticle") + ")"));
      }
      deployed.add(vertx.deployVerticle(type, new DeploymentOptions()
              .setInstances(v.instances())
              .setClassLoader(userClasses)
              .setConfig(new JsonObject(v.config())))
          .onSuccess(id -> LOG.info("deployed {} x{}", v.className(), v.instances())));
    }
    return Future.all(deployed).mapEmpty();
  }

  /**
   * The same outcome, told on a thread of none of Vert.x's event loops. A future of a deployment is
   * told on an event loop, and so is every future made from it; once such a chain goes on to close
   * Vert.x, its last answer is due on a loop the close has stopped, and never comes. A chain that
   * may close Vert.x goes through here first.
   */
  private static <T> Future<T> offTheLoops(Future<T> onALoop) {
    CompletableFuture<T> off = new CompletableFuture<>();
    onALoop.onComplete(ar -> CompletableFuture.runAsync(() -> {
      if (ar.succeeded()) {
        off.complete(ar.result());
      } else {
        off.completeExceptionally(ar.cause());
      }
    }));
    return Future.fromCompletionStage(off);
  }

  /**
   * Makes SIGHUP reload the configuration file, as {@code fusebox reload} does; the outcome is
   * logged. Where the signal cannot be handled (it is the JVM's, or the platform has none), says so.
   */
  public void reloadOnSighup() {
    try {
      Signal.handle(new Signal("HUP"), signal -> vertx.eventBus().request(Addresses.RELOAD,
          new JsonObject().put("by", "SIGHUP").put("reason", "SIGHUP to process " + ProcessHandle.current().pid())));
    } catch (IllegalArgumentException e) {
      LOG.warn("SIGHUP cannot reload the configuration here ({}); use fusebox reload", e.getMessage());
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Stops the history (it keeps the minute under way), closes the stores (a file or Redis state store
   * writes what it still holds), undeploys everything (breakers answer the calls they hold), closes
   * Vert.x, flushes spans.
   */
  public Future<Void> stop() {
    // the history first, which appends the minute under way while its store is still open (Vert.x's
    // close would shut a Redis client meanwhile)
    Future<Void> historyKept = historyDeployment == null ? Future.succeededFuture() : vertx.undeploy(historyDeployment);
    return offTheLoops(historyKept.transform(kept -> services.store().close()).transform(closed -> history.close()))
        .transform(closed -> vertx.close()).eventually(() -> {
      if (openTelemetry != null) {
        openTelemetry.close();
      }
      return Future.succeededFuture();
    });
  }
}
