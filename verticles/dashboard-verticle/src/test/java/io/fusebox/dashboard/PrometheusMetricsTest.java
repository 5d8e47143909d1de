package io.fusebox.dashboard;

import static io.fusebox.dashboard.TestNode.await;
import static io.fusebox.dashboard.TestNode.quiet;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.DependencyFailureException;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.testkit.FreePorts;
import io.fusebox.testkit.Promtool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node under traffic with a breaker that trips: its /metrics passes promtool, holds every metric
 * of the design with values that match the snapshot, a real Prometheus scrapes it, and the Grafana
 * dashboard asks only for metrics the node exports.
 */
class PrometheusMetricsTest {

  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static TestNode node;
  private static String exposition;
  private static JsonObject trippedSnapshot;

  @BeforeAll
  static void runTrafficAndTrip() {
    node = new TestNode("").dashboard(0)
        .breaker("tripper", quiet().consecutiveFailures(3).build(), List.of(Map.of("type", "static", "value", Map.of())))
        .breaker("steady", quiet().build())
        .breaker("retrier", quiet().maxAttempts(2).retryBackoff(Duration.ofMillis(1)).retryBudgetMinPerSecond(100)
            .throttling(true).adaptiveConcurrency(true).build());
    FuseboxClient client = FuseboxClient.create(node.vertx);
    for (int i = 0; i < 20; i++) {
      await(client.http("tripper").get("/ok"));
      await(client.http("steady").get("/ok"));
      await(client.http("steady").get("/status/404"));
    }
    node.upstream.failAll();
    for (int i = 0; i < 10; i++) {
      await(client.http("tripper").get("/fails"));
    }
    for (int i = 0; i < 3; i++) {
      assertThat(failure(client.http("retrier").get("/fails"))).isInstanceOf(DependencyFailureException.class);
    }
    node.awaitTransition("tripper", "open");
    // the snapshot published at the trip counts only the calls before it: wait for one that counts all 10
    trippedSnapshot = Awaitility.await("the tripped snapshot on the admin's board, counting every call")
        .until(() -> await(node.vertx.eventBus().<JsonObject>request(Addresses.ADMIN,
                new JsonObject().put("action", "get").put("breaker", "tripper"))).body().getJsonArray("instances").getJsonObject(0),
            s -> "open".equals(s.getString("state"))
                && s.getJsonObject("calls").getLong("failure") + s.getJsonObject("calls").getLong("rejected") == 10);
    WebClient http = WebClient.create(node.vertx);
    exposition = await(http.getAbs(node.url("/metrics")).send()).bodyAsString();
    http.close();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theExpositionPassesPromtool() throws Exception {
    Promtool.Verdict verdict = Promtool.checkMetrics(exposition);
    assertThat(verdict.passed()).as("promtool check metrics said: " + verdict.output()).isTrue();
  }

  @Test
  void everyMetricOfTheDesignIsThereWithValuesThatMatchTheSnapshot() {
    String t = "name=\"tripper\",node=\"node-t\"";
    JsonObject calls = trippedSnapshot.getJsonObject("calls");
    assertThat(value("circuit_breaker_state{" + t + "}")).isEqualTo(1.0);
    assertThat(value("circuit_breaker_state{name=\"steady\",node=\"node-t\"}")).isEqualTo(0.0);
    for (String result : new String[] {"success", "failure", "rejected", "timeout", "ignored"}) {
      assertThat(value("circuit_breaker_requests_total{" + t + ",result=\"" + result + "\"}")).as(result)
          .isEqualTo(calls.getLong(result).doubleValue());
    }
    assertThat(value("circuit_breaker_requests_total{name=\"steady\",node=\"node-t\",result=\"ignored\"}")).isEqualTo(20.0);
    assertThat(value("circuit_breaker_transitions_total{from=\"closed\"," + t + ",to=\"open\"}")).isEqualTo(1.0);
    assertThat(value("circuit_breaker_state_duration_seconds{" + t + ",state=\"open\"}")).isPositive();
    assertThat(value("circuit_breaker_state_duration_seconds{" + t + ",state=\"closed\"}")).isPositive();
    assertThat(value("circuit_breaker_failure_rate{" + t + "}")).isEqualTo(trippedSnapshot.getDouble("failure_rate"));
    assertThat(value("circuit_breaker_slow_call_rate{" + t + "}")).isEqualTo(trippedSnapshot.getDouble("slow_call_rate"));
    for (String q : new String[] {"0.5", "0.95", "0.99"}) {
      assertThat(value("circuit_breaker_latency_seconds{" + t + ",quantile=\"" + q + "\"}")).isPositive();
    }
    assertThat(value("circuit_breaker_latency_seconds_count{" + t + "}"))
        .isEqualTo((double) calls.getLong("success") + calls.getLong("failure") + calls.getLong("timeout"));
    assertThat(value("circuit_breaker_latency_seconds_sum{" + t + "}")).isPositive();
    assertThat(value("circuit_breaker_fallback_executions_total{" + t + ",type=\"static\"}"))
        .isEqualTo(calls.getLong("fallback").doubleValue()).isPositive();
    String r = "name=\"retrier\",node=\"node-t\"";
    assertThat(value("circuit_breaker_retries_total{" + r + ",result=\"retried\"}")).as("one retry for each of 3 calls")
        .isEqualTo(3.0);
    assertThat(value("circuit_breaker_retries_total{" + r + ",result=\"budget_exhausted\"}")).isZero();
    assertThat(value("circuit_breaker_throttling_refused_share{" + r + "}")).as("too few calls to throttle").isZero();
    assertThat(value("circuit_breaker_concurrency_limit{" + r + "}")).isPositive();
    assertThat(exposition).as("no retry or throttling series for a breaker without them")
        .doesNotContain("circuit_breaker_retries_total{name=\"steady\"")
        .doesNotContain("circuit_breaker_throttling_refused_share{name=\"steady\"");
    assertThat(exposition).as("Vert.x's own metrics").contains("vertx_eventbus_handlers", "vertx_http_client_");
  }

  @Test
  void aRealPrometheusScrapesTheNodeAndSeesTheTrippedBreaker() throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "prometheus");
    int port = FreePorts.next();
    Files.writeString(dir.resolve("prometheus.yml"), """
        global: { scrape_interval: 1s }
        scrape_configs:
          - job_name: fusebox
            static_configs: [ { targets: ["127.0.0.1:%d"] } ]
        """.formatted(node.port()));
    Process prometheus = new ProcessBuilder(Promtool.binary("prometheus"), "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    try {
      WebClient http = WebClient.create(node.vertx);
      JsonArray result = Awaitility.await("Prometheus having scraped the node").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            try {
              return await(http.getAbs("http://127.0.0.1:" + port + "/api/v1/query")
                  .addQueryParam("query", "circuit_breaker_state{name=\"tripper\"}").send()).bodyAsJsonObject()
                  .getJsonObject("data").getJsonArray("result");
            } catch (AssertionError | RuntimeException notUpYet) {
              return new JsonArray();
            }
          }, r -> !r.isEmpty());
      assertThat(result).as("PromQL answer; Prometheus log in " + dir).hasSize(1);
      assertThat(result.getJsonObject(0).getJsonArray("value").getString(1)).isEqualTo("1");
      assertThat(result.getJsonObject(0).getJsonObject("metric").getString("node")).isEqualTo("node-t");
    } finally {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  @Test
  void theGrafanaDashboardAsksOnlyForMetricsTheNodeExports() throws IOException {
    JsonObject dashboard = new JsonObject(Files.readString(ROOT.resolve("conf/grafana/fusebox-dashboard.json")));
    JsonArray panels = dashboard.getJsonArray("panels");
    assertThat(panels).hasSize(9);
    assertThat(dashboard.getJsonObject("templating").getJsonArray("list").stream().map(v -> ((JsonObject) v).getString("name")))
        .contains("name", "node");
    Set<String> exported = exposition.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.split("[{ ]")[0]).collect(Collectors.toCollection(TreeSet::new));
    Pattern metric = Pattern.compile("\\b(circuit_breaker_[a-z_]+|vertx_[a-z_]+)\\b");
    Set<String> queried = new TreeSet<>();
    panels.forEach(p -> ((JsonObject) p).getJsonArray("targets").forEach(target -> {
      Matcher m = metric.matcher(((JsonObject) target).getString("expr"));
      while (m.find()) {
        queried.add(m.group(1));
      }
    }));
    assertThat(queried).hasSizeGreaterThanOrEqualTo(12);
    assertThat(exported).containsAll(queried);
  }

  private static double value(String series) {
    return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError("no series " + series + " in /metrics"));
  }

  /** A tool from Debian's prometheus package; .ci/run installs it. */
}
