package io.fusebox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.Presets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  private final ConfigLoader loader = new ConfigLoader(TestKinds.KINDS);

  static final String FULL = """
      fusebox:
        node: { name: node-a }
        http: { host: 127.0.0.1, port: 8080, admin_token: ${FUSEBOX_ADMIN_TOKEN:-}, allowed_origins: ["https://ops.example.com"] }
        cluster: { enabled: false, host: 127.0.0.1, port: 5701, members: [] }
        store: { type: file, path: data/breakers.json }
        snapshot_interval: 1s
        bridge: { enabled: true, host: 127.0.0.1, port: 7000, max_frame_bytes: 65536, idle_timeout: 30s, max_connections: 50 }
        tracing: { enabled: true, endpoint: "http://127.0.0.1:4317", service_name: edge, sample_ratio: 0.25 }
        log: { transitions: json }
        verticles:
          - { class: com.acme.AlertPoller, instances: 2, config: { every: 5s } }
      circuit_breakers:
        default:
          preset: default
          detection:
            consecutive_failures: { threshold: 7 }
            failure_rate: { threshold: 0.4, minimum_calls: 10, window: { type: time_based, duration: 60s } }
            slow_calls: { threshold: 5s, rate_threshold: 0.5 }
            call_timeout: 10s
          transitions: { open_timeout: 30s, enable_exponential_backoff: true, backoff_multiplier: 2.0,
                         max_open_timeout: 10m, jitter: 0.0 }
        services:
          sentinel_client:
            preset: aggressive
            dependency: { type: http, base_url: "http://127.0.0.1:9000", pool_size: 16 }
            transitions: { open_timeout: 45s }
          orders:
            dependency: { type: http, base_url: "http://127.0.0.1:9001" }
            fallback:
              - { type: cache, ttl: 30s, max_stale: 10m, on: [open, failure] }
              - { type: static, value: { alerts: [] } }
      """;

  private FuseboxConfig load(String yaml, Map<String, String> env) throws ConfigException {
    return loader.parse(yaml, false, env);
  }

  @Test
  void inProcessBreakersTakeBreakerKeysOverTheDefaults() throws Exception {
    FuseboxConfig c = load("""
        circuit_breakers:
          default: { detection: { call_timeout: 3s } }
          in_process:
            catalog: { preset: aggressive, transitions: { open_timeout: 5s } }
        """, Map.of());
    BreakerConfig catalog = c.inProcess().get("catalog");
    assertThat(catalog.callTimeout()).as("from the defaults").isEqualTo(Duration.ofSeconds(3));
    assertThat(catalog.transitions().openTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(catalog.consecutiveFailures().threshold())
        .isEqualTo(Presets.get("aggressive").consecutiveFailures().threshold());
    assertThat(c.services()).isEmpty();
  }

  @Test
  void anInProcessBreakerIsRefusedWhatOnlyAVerticleCanDo() {
    assertThatThrownBy(() -> load("""
        circuit_breakers:
          in_process:
            catalog:
              recovery: { permitted_probes: 0, probe: { type: synthetic } }
        """, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("circuit_breakers.in_process.catalog.recovery.probe: not for an in-process breaker")
        .hasMessageContaining("circuit_breakers.in_process.catalog.recovery.permitted_probes");
    assertThatThrownBy(() -> load("""
        circuit_breakers:
          in_process:
            catalog: { dependency: { type: http, base_url: "http://127.0.0.1:9000" } }
        """, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("circuit_breakers.in_process.catalog.dependency");
  }

  @Test
  void aFullFileLoadsWithEverySection() throws Exception {
    FuseboxConfig c = load(FULL, Map.of("FUSEBOX_ADMIN_TOKEN", "s3cret"));
    assertThat(c.node().name()).isEqualTo("node-a");
    assertThat(c.http().adminToken()).isEqualTo("s3cret");
    assertThat(c.http().allowedOrigins()).containsExactly("https://ops.example.com");
    assertThat(c.bridge()).isEqualTo(new FuseboxConfig.Bridge(true, "127.0.0.1", 7000, 65536, Duration.ofSeconds(30), 50));
    assertThat(load("fusebox: { bridge: { enabled: true } }", Map.of()).bridge()).isEqualTo(new FuseboxConfig.Bridge(
        true, "127.0.0.1", 7000, FuseboxConfig.Bridge.DEFAULT_MAX_FRAME_BYTES, FuseboxConfig.Bridge.DEFAULT_IDLE_TIMEOUT,
        FuseboxConfig.Bridge.DEFAULT_MAX_CONNECTIONS));
    assertThat(c.snapshotInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.tracing()).isEqualTo(new FuseboxConfig.Tracing(true, "http://127.0.0.1:4317", "edge", 0.25));
    assertThat(c.jsonTransitionLog()).isTrue();
    assertThat(c.verticles()).singleElement().satisfies(v -> {
      assertThat(v.className()).isEqualTo("com.acme.AlertPoller");
      assertThat(v.instances()).isEqualTo(2);
      assertThat(v.config()).containsEntry("every", "5s");
    });
    assertThat(c.services()).extracting(FuseboxConfig.Service::name).containsExactly("sentinel_client", "orders");
    assertThat(c.services().get(0).dependency()).containsEntry("base_url", "http://127.0.0.1:9000");
    assertThat(c.services().get(0).fallback()).isEmpty();
    assertThat(c.services().get(1).fallback()).extracting(f -> f.get("type")).containsExactly("cache", "static");
  }

  @Test
  void precedenceIsPresetThenDefaultThenServiceThenEnvironment() throws Exception {
    FuseboxConfig c = load(FULL, Map.of(
        "FUSEBOX__CIRCUIT_BREAKERS__SERVICES__SENTINEL_CLIENT__TRANSITIONS__OPEN_TIMEOUT", "10s",
        "FUSEBOX__FUSEBOX__HTTP__PORT", "8181"));
    BreakerConfig sentinel = c.services().get(0).breaker();
    BreakerConfig aggressive = Presets.get("aggressive");
    assertThat(sentinel.transitions().openTimeout()).as("environment beats the service").isEqualTo(Duration.ofSeconds(10));
    assertThat(sentinel.consecutiveFailures().threshold()).as("default beats the preset").isEqualTo(7);
    assertThat(sentinel.recovery()).as("the preset fills what nobody set").isEqualTo(aggressive.recovery());
    assertThat(c.services().get(0).preset()).isEqualTo("aggressive");
    BreakerConfig orders = c.services().get(1).breaker();
    assertThat(orders.failureRate().threshold()).isEqualTo(0.4);
    assertThat(orders.transitions().openTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.http().port()).isEqualTo(8181);
  }

  @Test
  void placeholdersTakeTheirDefaultWhenTheVariableIsUnsetOrEmpty() throws Exception {
    assertThat(load(FULL, Map.of()).http().adminToken()).isEmpty();
    String yaml = "fusebox: { node: { name: \"${NODE_NAME:-fallback-node}\" } }";
    assertThat(load(yaml, Map.of()).node().name()).isEqualTo("fallback-node");
    assertThat(load(yaml, Map.of("NODE_NAME", "n7")).node().name()).isEqualTo("n7");
  }

  @Test
  void tomlFilesSayTheSame() throws Exception {
    String toml = """
        [fusebox.http]
        port = 9090
        [circuit_breakers.services.orders]
        preset = "lenient"
        [circuit_breakers.services.orders.dependency]
        type = "http"
        base_url = "http://127.0.0.1:9001"
        [circuit_breakers.services.orders.recovery]
        permitted_probes = 2
        """;
    FuseboxConfig c = loader.parse(toml, true, Map.of());
    assertThat(c.http().port()).isEqualTo(9090);
    assertThat(c.services().get(0).breaker().recovery().permittedProbes()).isEqualTo(2);
    assertThat(c.services().get(0).breaker().failureRate().threshold()).isEqualTo(0.75);
  }

  @Test
  void anAdaptiveConcurrencyLimitTakesItsBoundsAndSharesOverTheDefaults() throws Exception {
    FuseboxConfig c = load("""
        circuit_breakers:
          default:
            overload: { concurrency: { shares: { critical: 0.6 } } }
          services:
            orders:
              dependency: { type: http, base_url: "http://127.0.0.1:9000" }
              overload: { concurrency: { type: adaptive, initial_limit: 8, min_limit: 4, max_limit: 64,
                                         probe_interval: 30s, shares: { sheddable: 0.05 } },
                          throttling: { enabled: true, threshold: 0.3, window: 20s } }
            stock:
              dependency: { type: http, base_url: "http://127.0.0.1:9000" }
        """, Map.of());
    BreakerConfig.Concurrency orders = c.services().stream().filter(s -> s.name().equals("orders")).findFirst()
        .orElseThrow().breaker().overload().concurrency();
    assertThat(orders).isEqualTo(new BreakerConfig.Concurrency(true, 8, 4, 64, Duration.ofSeconds(30),
        new BreakerConfig.Shares(0.6, BreakerConfig.DEFAULT_SHARES.normal(), 0.05)));
    assertThat(c.services().stream().filter(s -> s.name().equals("orders")).findFirst().orElseThrow().breaker()
        .overload().throttling()).isEqualTo(new BreakerConfig.Throttling(true, 0.3, Duration.ofSeconds(20)));
    BreakerConfig.Concurrency stock = c.services().stream().filter(s -> s.name().equals("stock")).findFirst()
        .orElseThrow().breaker().overload().concurrency();
    assertThat(stock.adaptive()).as("static unless asked").isFalse();
    assertThat(stock.shares().critical()).isEqualTo(0.6);
    assertThatThrownBy(() -> load("""
        circuit_breakers:
          in_process:
            catalog: { overload: { concurrency: { type: adaptive } } }
        """, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("circuit_breakers.in_process.catalog.overload: not for an in-process breaker");
  }

  @Test
  void retriesTakeTheirAttemptsBackoffAndBudgetOverTheDefaults() throws Exception {
    FuseboxConfig c = load("""
        circuit_breakers:
          default:
            retry: { jitter: 0.2, budget: { min_per_second: 5 } }
          services:
            orders:
              dependency: { type: http, base_url: "http://127.0.0.1:9000" }
              retry: { max_attempts: 3, backoff: 20ms, on: [timeout], idempotent_only: false,
                       attempt_timeout: 300ms, cluster_budget: true, budget: { ratio: 0.2 } }
        """, Map.of());
    assertThat(c.services().get(0).breaker().retry()).isEqualTo(new BreakerConfig.Retry(3, Duration.ofMillis(20), 0.2,
        true, false, false, Duration.ofMillis(300), 0.2, 5, true));
  }

  @Test
  void aKeyedFamilyTakesItsKeySourceAndBounds() throws Exception {
    FuseboxConfig c = load("""
        circuit_breakers:
          services:
            tenants:
              dependency: { type: http, base_url: "http://127.0.0.1:9000" }
              keyed: { by: "header:fusebox-key", max_keys: 5000, idle_expiry: 2m }
            hosts:
              dependency: { type: http, base_url: "http://127.0.0.1:9000" }
              keyed: { by: http_host }
        """, Map.of());
    FuseboxConfig.Keyed tenants = c.services().stream().filter(s -> s.name().equals("tenants")).findFirst()
        .orElseThrow().keyed();
    assertThat(tenants).isEqualTo(new FuseboxConfig.Keyed("header:fusebox-key", 5000, Duration.ofMinutes(2)));
    assertThat(c.services().stream().filter(s -> s.name().equals("hosts")).findFirst().orElseThrow().keyed())
        .as("the defaults").isEqualTo(new FuseboxConfig.Keyed("http_host", FuseboxConfig.Keyed.DEFAULT_MAX_KEYS,
            FuseboxConfig.Keyed.DEFAULT_IDLE_EXPIRY));
  }

  @Test
  void aKeyedFamilyWithAnUnknownKeySourceOrAClusterVerdictIsRefused() {
    assertThatThrownBy(() -> load("""
        circuit_breakers:
          services:
            tenants:
              dependency: { type: http, base_url: "http://127.0.0.1:9000" }
              keyed: { by: "cookie:session", max_keys: 0 }
            quorum:
              dependency: { type: http, base_url: "http://127.0.0.1:9000" }
              keyed: { by: "field:tenant" }
              cluster_verdict: { quorum: 2 }
        """, Map.of())).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).anySatisfy(p -> assertThat(p)
                .contains("circuit_breakers.services.tenants.keyed.by: not a key source (got cookie:session)"))
            .anySatisfy(p -> assertThat(p).contains("circuit_breakers.services.tenants.keyed.max_keys"))
            .anySatisfy(p -> assertThat(p).contains("circuit_breakers.services.quorum.keyed: a keyed family")));
  }

  @Test
  void secretsNeverShowInToString() throws Exception {
    FuseboxConfig c = load(FULL + "", Map.of("FUSEBOX_ADMIN_TOKEN", "s3cret"));
    assertThat(c.toString()).doesNotContain("s3cret").contains("adminToken=set");
  }

  @Test
  void namedTokensTakeTheirRolesAndNeverShowTheirSecrets() throws Exception {
    FuseboxConfig c = load("""
        fusebox:
          http:
            tokens:
              - { name: alice, token: alice-secret-0123456789, role: operator }
              - { name: ops-dashboard, token: viewer-secret-0123456789, role: viewer }
        """, Map.of());
    assertThat(c.http().tokens()).containsExactly(
        new FuseboxConfig.ApiToken("alice", "alice-secret-0123456789", "operator"),
        new FuseboxConfig.ApiToken("ops-dashboard", "viewer-secret-0123456789", "viewer"));
    assertThat(c.toString()).contains("alice (operator)").doesNotContain("secret-0123456789");
  }

  @Test
  void alertsTakeTheirSinksAndFlappingAndKeepWebhookSecretsOutOfToString() throws Exception {
    FuseboxConfig c = load("""
        fusebox:
          alerts:
            flapping: { transitions: 4, window: 5m }
            sinks:
              - { type: log }
              - { type: webhook, url: "https://hooks.example.com/services/T0K3N", format: slack,
                  headers: { authorization: "Bearer s3cret" }, max_attempts: 3, initial_backoff: 200ms, timeout: 2s, queue: 50 }
        """, Map.of());
    FuseboxConfig.Alerts alerts = c.alerts();
    assertThat(alerts.flappingTransitions()).isEqualTo(4);
    assertThat(alerts.flappingWindow()).isEqualTo(Duration.ofMinutes(5));
    assertThat(alerts.sinks()).extracting(FuseboxConfig.AlertSink::type).containsExactly("log", "webhook");
    FuseboxConfig.AlertSink webhook = alerts.sinks().get(1);
    assertThat(webhook.url()).isEqualTo("https://hooks.example.com/services/T0K3N");
    assertThat(webhook.format()).isEqualTo("slack");
    assertThat(webhook.headers()).containsEntry("authorization", "Bearer s3cret");
    assertThat(webhook.maxAttempts()).isEqualTo(3);
    assertThat(webhook.initialBackoff()).isEqualTo(Duration.ofMillis(200));
    assertThat(webhook.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(webhook.queue()).isEqualTo(50);
    assertThat(c.toString()).doesNotContain("T0K3N").doesNotContain("s3cret").contains("https://hooks.example.com");
  }

  @Test
  void anEmptyFileIsAValidNodeWithNoBreakers() throws Exception {
    FuseboxConfig c = load("", Map.of());
    assertThat(c.services()).isEmpty();
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.bridge().enabled()).isFalse();
    assertThat(c.tracing().enabled()).as("tracing is off unless configured").isFalse();
    assertThat(c.jsonTransitionLog()).isFalse();
    assertThat(c.alerts().sinks()).as("no alerts unless configured").isEmpty();
  }

  @Test
  void aMissingFileIsReported() {
    assertThatThrownBy(() -> loader.load(Path.of("conf/nowhere.yaml"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("conf/nowhere.yaml: cannot read the file (got NoSuchFileException, expected a readable YAML or TOML file)");
  }
}
