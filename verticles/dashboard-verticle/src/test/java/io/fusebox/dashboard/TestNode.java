package io.fusebox.dashboard;

import io.fusebox.breaker.AdminVerticle;
import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.dashboard.alerts.AlertsVerticle;
import io.fusebox.dashboard.history.HistoryVerticle;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.metrics.PrometheusNames;
import io.fusebox.protocol.Addresses;
import io.fusebox.store.HistoryStore;
import io.fusebox.testkit.BreakerHarness;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/**
 * A node as the platform builds it, in the test's JVM: Vert.x with its metrics in a Prometheus
 * registry, the admin handler, breakers in front of a real flaky HTTP server, and the dashboard.
 */
final class TestNode implements AutoCloseable {

  static final Duration SNAPSHOT_INTERVAL = Duration.ofMillis(250);

  final PrometheusMeterRegistry registry = PrometheusNames.registry();
  final Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
      .withMetrics(new MicrometerMetricsFactory(registry))
      .build();
  final FlakyHttpServer upstream;
  final List<JsonObject> transitions = new CopyOnWriteArrayList<>();
  private final String adminToken;
  private final List<ApiTokens.Named> namedTokens;
  private String dashboardId;
  private String historyId;
  private int port;

  TestNode(String adminToken) {
    this(adminToken, List.of());
  }

  /** With {@code namedTokens} besides the admin token: viewers and operators of their own names. */
  TestNode(String adminToken, List<ApiTokens.Named> namedTokens) {
    this.adminToken = adminToken;
    this.namedTokens = namedTokens;
    upstream = await(FlakyHttpServer.start(vertx));
    vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> transitions.add(m.body()));
    await(vertx.deployVerticle(new AdminVerticle(SNAPSHOT_INTERVAL)));
    historyId = await(vertx.deployVerticle(new HistoryVerticle("node-t", HistoryStore.NONE)));
  }

  /** The node's history restored from {@code store} instead of starting empty. */
  TestNode history(HistoryStore store) {
    await(vertx.undeploy(historyId));
    historyId = await(vertx.deployVerticle(new HistoryVerticle("node-t", store)));
    return this;
  }

  /** The node's alerts, which go to {@code config}'s sinks. */
  TestNode alerts(FuseboxConfig.Alerts config) {
    await(vertx.deployVerticle(new AlertsVerticle(config, "node-t")));
    return this;
  }

  TestNode breaker(String name, BreakerConfig config) {
    return breaker(name, config, List.of());
  }

  TestNode breaker(String name, BreakerConfig config, List<Map<String, Object>> fallback) {
    FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default", config,
        Map.of("type", "http", "base_url", upstream.baseUrl()), fallback);
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-t", SNAPSHOT_INTERVAL, NodeServices.metrics(registry))));
    return this;
  }

  /** A keyed family in front of the upstream, its key read from the request header {@code fusebox-key}. */
  TestNode keyed(String name, BreakerConfig config) {
    FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default", config,
        Map.of("type", "http", "base_url", upstream.baseUrl()), List.of(), null, null,
        new FuseboxConfig.Keyed("header:fusebox-key", 1000, Duration.ofMinutes(10)));
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-t", SNAPSHOT_INTERVAL, NodeServices.metrics(registry))));
    return this;
  }

  /** A breaker in front of several hosts: the upstream and the {@code others} ({@code host:port}). */
  TestNode members(String name, BreakerConfig config, List<String> others) {
    List<String> hosts = new java.util.ArrayList<>(List.of(upstream.baseUrl().replace("http://", "")));
    hosts.addAll(others);
    FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default", config,
        Map.of("type", "http", "base_url", upstream.baseUrl(), "hosts", hosts), List.of());
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-t", SNAPSHOT_INTERVAL, NodeServices.metrics(registry))));
    return this;
  }

  /** Starts the dashboard on {@code port} (0 for any free one). */
  TestNode dashboard(int wantedPort) {
    return dashboard(wantedPort, List.of());
  }

  /** Starts the dashboard, letting pages of {@code allowedOrigins} open its live feed too. */
  TestNode dashboard(int wantedPort, List<String> allowedOrigins) {
    DashboardVerticle dashboard = new DashboardVerticle(new DashboardVerticle.Settings("127.0.0.1", wantedPort, ApiTokens.of(adminToken, namedTokens),
        allowedOrigins, SNAPSHOT_INTERVAL, "node-t", () -> 0), registry);
    dashboardId = await(vertx.deployVerticle(dashboard));
    port = dashboard.port();
    return this;
  }

  /** Waits until the dashboard lists these breakers, which it does once it has their snapshots. */
  void awaitListed(String... breakers) {
    WebClient http = WebClient.create(vertx);
    Awaitility.await("the dashboard listing " + String.join(", ", breakers)).atMost(Duration.ofSeconds(10))
        .until(() -> {
          JsonArray listed = await(http.getAbs(url("/api/breakers")).send()).bodyAsJsonObject().getJsonArray("breakers");
          return listed != null && listed.size() >= breakers.length;
        });
  }

  void stopDashboard() {
    await(vertx.undeploy(dashboardId));
  }

  int port() {
    return port;
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  void awaitTransition(String breaker, String to) {
    Awaitility.await("a transition of " + breaker + " to " + to + " (seen: " + transitions + ")")
        .atMost(Duration.ofSeconds(10))
        .until(() -> transitions.stream().anyMatch(t -> breaker.equals(t.getString("breaker")) && to.equals(t.getString("to"))));
  }

  static <T> T await(Future<T> future) {
    return BreakerHarness.await(future);
  }

  static BreakerConfigBuilder quiet() {
    return BreakerHarness.detectorsOff().callTimeout(Duration.ofSeconds(2)).openTimeout(Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
