package io.fusebox.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Broken files, each refused as a whole with exactly these messages. */
class BrokenConfigTest {

  private static final String SERVICE = """
      circuit_breakers:
        services:
          orders:
            dependency: { type: http, base_url: "http://127.0.0.1:9001" }
      """;

  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        Arguments.of("unknown top-level key", "fusebox_typo: {}\n", Map.of(), List.of(
            "fusebox_typo: unknown key (got fusebox_typo, expected one of fusebox, circuit_breakers)")),
        Arguments.of("port of the wrong type", "fusebox: { http: { port: eighty } }", Map.of(), List.of(
            "fusebox.http.port: wrong type (got \"eighty\", expected an integer in 0..65535)")),
        Arguments.of("port out of range", "fusebox: { http: { port: 70000 } }", Map.of(), List.of(
            "fusebox.http.port: out of range (got 70000, expected an integer in 0..65535)")),
        Arguments.of("not a duration", "fusebox: { snapshot_interval: fast }", Map.of(), List.of(
            "fusebox.snapshot_interval: not a duration (got \"fast\", expected a duration such as 250ms, 30s or 5m, at least 100ms)")),
        Arguments.of("snapshot interval too short", "fusebox: { snapshot_interval: 10ms }", Map.of(), List.of(
            "fusebox.snapshot_interval: too short (got \"10ms\", expected a duration such as 250ms, 30s or 5m, at least 100ms)")),
        Arguments.of("history kept longer than a day", "fusebox: { history: { retention: 2d } }", Map.of(), List.of(
            "fusebox.history.retention: too long (got \"2d\", expected a duration such as 250ms, 30s or 5m, at least 1m and at most 24h)")),
        Arguments.of("unknown preset", "circuit_breakers: { default: { preset: reckless } }", Map.of(), List.of(
            "circuit_breakers.default.preset: unknown value (got \"reckless\", expected one of aggressive, default, lenient)")),
        Arguments.of("misspelled breaker key", SERVICE + "      recovery: { permited_probes: 2 }\n", Map.of(), List.of(
            "circuit_breakers.services.orders.recovery.permited_probes: unknown key (got permited_probes, expected one of permitted_probes, success_threshold, strict_mode, probe)")),
        Arguments.of("probes out of range", SERVICE + "      recovery: { permitted_probes: 0 }\n", Map.of(), List.of(
            "circuit_breakers.services.orders.recovery.permitted_probes: out of range (got 0, expected an integer in 1..1000)")),
        Arguments.of("adaptive limit bounds crossed", SERVICE
            + "      overload: { concurrency: { type: adaptive, min_limit: 50, max_limit: 10, shares: { critical: 0.9, sheddable: 0.5 } } }\n",
            Map.of(), List.of(
            "circuit_breakers.services.orders.overload.concurrency.initial_limit: outside min_limit..max_limit (got 20, expected 50..10)",
            "circuit_breakers.services.orders.overload.concurrency.max_limit: below min_limit (got 10, expected >= 50)",
            "circuit_breakers.services.orders.overload.concurrency.shares: more than the whole limit (got 1.7, expected shares adding up to at most 1)")),
        Arguments.of("throttling from total failure", SERVICE + "      overload: { throttling: { enabled: true, threshold: 1.0, window: 500ms } }\n",
            Map.of(), List.of(
            "circuit_breakers.services.orders.overload.throttling.threshold: out of range (got 1.0, expected a failure share in (0, 1))",
            "circuit_breakers.services.orders.overload.throttling.window: not a whole number of seconds up to 2m (got 500ms, expected 1s..2m in whole seconds)")),
        Arguments.of("unknown concurrency type", SERVICE + "      overload: { concurrency: { type: magic } }\n", Map.of(), List.of(
            "circuit_breakers.services.orders.overload.concurrency.type: unknown value (got \"magic\", expected one of static, adaptive)")),
        Arguments.of("retries out of range", SERVICE + "      retry: { max_attempts: 20, jitter: 2, on: [] }\n", Map.of(), List.of(
            "circuit_breakers.services.orders.retry.jitter: out of range (got 2.0, expected a number in [0, 1])",
            "circuit_breakers.services.orders.retry.max_attempts: out of range (got 20, expected an integer in 1..10)",
            "circuit_breakers.services.orders.retry.on: empty, so nothing would be retried (got [], expected timeout, failure or both)")),
        Arguments.of("rate above one", SERVICE + "      detection: { failure_rate: { threshold: 1.5 } }\n", Map.of(), List.of(
            "circuit_breakers.services.orders.detection.failure_rate.threshold: out of range (got 1.5, expected a rate in (0, 1])")),
        Arguments.of("window smaller than minimum calls",
            SERVICE + "      detection: { failure_rate: { minimum_calls: 20, window: { type: count_based, size: 10 } } }\n", Map.of(), List.of(
            "circuit_breakers.services.orders.detection.failure_rate.window.size: smaller than minimum_calls, so rates could never be judged (got 10, expected >= 20)")),
        Arguments.of("unknown dependency type",
            "circuit_breakers: { services: { orders: { dependency: { type: ftp, host: x } } } }", Map.of(), List.of(
            "circuit_breakers.services.orders.dependency.type: unknown dependency type (got \"ftp\", expected one of http)")),
        Arguments.of("service without dependency",
            "circuit_breakers: { services: { orders: { preset: lenient } } }", Map.of(), List.of(
            "circuit_breakers.services.orders.dependency: missing (got nothing, expected a dependency section with a type of http)")),
        Arguments.of("dependency without its required key",
            "circuit_breakers: { services: { orders: { dependency: { type: http, pool_size: 0 } } } }", Map.of(), List.of(
            "circuit_breakers.services.orders.dependency.base_url: missing (got nothing, expected a string)",
            "circuit_breakers.services.orders.dependency.pool_size: out of range (got 0, expected an integer in 1..1024)")),
        Arguments.of("unset variable without default", "fusebox:\n  node:\n    name: ${FUSEBOX_TEST_UNSET}\n", Map.of(), List.of(
            "line 3: environment variable FUSEBOX_TEST_UNSET is not set (got nothing, expected a value, or a default as ${FUSEBOX_TEST_UNSET:-value})")),
        Arguments.of("webhook without a url", "fusebox: { alerts: { sinks: [ { type: log }, { type: webhook } ] } }",
            Map.of(), List.of(
            "fusebox.alerts.sinks[1].url: missing (got nothing, expected the receiver's URL, such as https://hooks.example.com/fusebox)")),
        Arguments.of("webhook url that is not http, not shown",
            "fusebox: { alerts: { sinks: [ { type: webhook, url: \"ftp://hooks/T0K3N\" } ] } }", Map.of(), List.of(
            "fusebox.alerts.sinks[0].url: not an http(s) URL with a host (got a hidden value, expected the receiver's URL, such as https://hooks.example.com/fusebox)")),
        Arguments.of("unknown sink type and flapping out of range",
            "fusebox: { alerts: { flapping: { transitions: 1 }, sinks: [ { type: pager } ] } }", Map.of(), List.of(
            "fusebox.alerts.flapping.transitions: out of range (got 1, expected an integer in 2..1000)",
            "fusebox.alerts.sinks[0].type: unknown value (got \"pager\", expected one of log, webhook)")),
        Arguments.of("named tokens: admin taken, a name twice, a short token, an unknown role",
            "fusebox: { http: { tokens: [ { name: admin, token: aaaaaaaaaaaaaaaaaaaa, role: operator },"
                + " { name: alice, token: bbbbbbbbbbbbbbbbbbbb, role: viewer },"
                + " { name: alice, token: short, role: operator }, { name: bob, token: cccccccccccccccccccc, role: root } ] } }",
            Map.of(), List.of(
            "fusebox.http.tokens[3].role: unknown value (got \"root\", expected one of viewer, operator)")),
        Arguments.of("named tokens: admin taken, a name twice, a short token",
            "fusebox: { http: { tokens: [ { name: admin, token: aaaaaaaaaaaaaaaaaaaa, role: operator },"
                + " { name: alice, token: bbbbbbbbbbbbbbbbbbbb, role: viewer },"
                + " { name: alice, token: short, role: operator } ] } }",
            Map.of(), List.of(
            "fusebox.http.tokens[0].name: not allowed (got \"admin\", expected 1 to 64 characters other than admin, which is admin_token's)",
            "fusebox.http.tokens[2].name: used twice (got \"alice\", expected a name no other token has)",
            "fusebox.http.tokens[2].token: too short or used twice (got a hidden value, expected a token of at least 16 characters that no other token has)")),
        Arguments.of("verticle without a class", "fusebox: { verticles: [ { instances: 2 } ] }", Map.of(), List.of(
            "fusebox.verticles[0].class: missing (got nothing, expected a string)")),
        Arguments.of("secret of the wrong type is not shown", "fusebox: { http: { admin_token: 123456 } }", Map.of(), List.of(
            "fusebox.http.admin_token: wrong type (got a hidden value, expected a string)")),
        Arguments.of("bad environment override", "", Map.of("FUSEBOX__FUSEBOX__HTTP__PORT", "abc"), List.of(
            "fusebox.http.port: wrong type (got \"abc\", expected an integer in 0..65535)")),
        Arguments.of("environment override into a value", "fusebox: { node: n1 }",
            Map.of("FUSEBOX__FUSEBOX__NODE__NAME", "x"), List.of(
            "FUSEBOX__FUSEBOX__NODE__NAME: cannot override inside fusebox.node (got \"n1\", expected a section)",
            "fusebox.node: wrong type (got \"n1\", expected a section with keys name)")),
        Arguments.of("broken defaults are reported once, not per service",
            "circuit_breakers:\n  default: { transitions: { open_timeout: 1m, max_open_timeout: 10s } }\n"
                + "  services:\n    a: { dependency: { type: http, base_url: x } }\n    b: { dependency: { type: http, base_url: x } }\n",
            Map.of(), List.of(
            "circuit_breakers.default.transitions.max_open_timeout: shorter than open_timeout (got 10s, expected >= 1m)")),
        Arguments.of("unknown fallback type", SERVICE + "      fallback: [ { type: retry } ]\n", Map.of(), List.of(
            "circuit_breakers.services.orders.fallback[0].type: unknown fallback type (got \"retry\", expected one of address, cache, degraded, static)")),
        Arguments.of("fallback without its required key", SERVICE + "      fallback: [ { type: static }, { type: address, timeout: 1s } ]\n", Map.of(), List.of(
            "circuit_breakers.services.orders.fallback[0].value: missing (got nothing, expected any value)",
            "circuit_breakers.services.orders.fallback[1].address: missing (got nothing, expected a string)")),
        Arguments.of("read-only mode without an address", SERVICE + "      fallback: [ { type: degraded, read_only: true } ]\n", Map.of(), List.of(
            "circuit_breakers.services.orders.fallback[0].address: missing (got nothing, expected the address that serves reads in read-only mode)")),
        Arguments.of("unknown trigger and key in a fallback", SERVICE + "      fallback: [ { type: cache, on: [crash], size: 3 } ]\n", Map.of(), List.of(
            "circuit_breakers.services.orders.fallback[0].on[0]: unknown value (got \"crash\", expected one of open, half_open_full, failure, timeout, throttled)",
            "circuit_breakers.services.orders.fallback[0].size: unknown key (got size, expected one of type, on, ttl, max_stale, max_entries)")),
        Arguments.of("redis store without a url", "fusebox: { store: { type: redis } }", Map.of(), List.of(
            "fusebox.store.url: missing (got nothing, expected a Redis URL such as redis://127.0.0.1:6379 for a redis store)")),
        Arguments.of("many mistakes at once, sorted by path", "fusebox: { http: { port: -1, hots: x }, bridge: { enabled: maybe } }", Map.of(), List.of(
            "fusebox.bridge.enabled: wrong type (got \"maybe\", expected true or false)",
            "fusebox.http.hots: unknown key (got hots, expected one of host, port, admin_token, allowed_origins, tokens)",
            "fusebox.http.port: out of range (got -1, expected an integer in 0..65535)")),
        Arguments.of("a key problem in one breaker and a rule problem in another", """
            circuit_breakers:
              services:
                orders: { dependency: { type: http, base_url: "http://x:1" }, recovery: { permitted_probes: 0 } }
                billing: { dependency: { type: http, base_url: "http://x:1" }, detection: { colour: 1 } }
            """, Map.of(), List.of(
            "circuit_breakers.services.billing.detection.colour: unknown key (got colour, expected one of consecutive_failures, failure_rate, slow_calls, call_timeout)",
            "circuit_breakers.services.orders.recovery.permitted_probes: out of range (got 0, expected an integer in 1..1000)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void isRefusedWithExactlyTheseProblems(String why, String yaml, Map<String, String> env, List<String> expected) {
    try {
      new ConfigLoader(TestKinds.KINDS).parse(yaml, false, env);
      fail("a file with " + why + " was accepted");
    } catch (ConfigException e) {
      assertThat(e.problems()).containsExactlyElementsOf(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("syntaxErrors")
  void syntaxErrorsNameTheLine(String format, String text, String expectedStart) {
    try {
      new ConfigLoader(TestKinds.KINDS).parse(text, format.equals("toml"), Map.of());
      fail("broken " + format + " was accepted");
    } catch (ConfigException e) {
      assertThat(e.problems()).singleElement().asString().startsWith(expectedStart).contains("at line 2");
    }
  }

  static Stream<Arguments> syntaxErrors() {
    return Stream.of(
        Arguments.of("yaml", "fusebox:\n  http: { port: 80\n", "file: not valid YAML (got "),
        Arguments.of("toml", "[fusebox]\nport = = 3\n", "file: not valid TOML (got "));
  }
}
