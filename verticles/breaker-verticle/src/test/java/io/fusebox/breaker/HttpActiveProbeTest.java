package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.testkit.BreakerHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code recovery.probe} on an HTTP dependency: GET of the health path while half-open. */
class HttpActiveProbeTest extends BreakerTestSupport {

  @Test
  void probesOfTheHealthPathCloseTheBreakerWithoutRiskingACallersRequest() {
    FuseboxConfig.Service service = new FuseboxConfig.Service("probed", "default",
        quiet().consecutiveFailures(1).openTimeout(Duration.ofMillis(300)).successThreshold(2).build(),
        Map.of("type", "http", "base_url", upstream.baseUrl(), "health_path", "/healthz"), List.of(), Duration.ofMillis(100));
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-test", SNAPSHOT_INTERVAL, services())));
    upstream.failAll();
    failedGet("probed", "/orders");
    awaitTransitionTo("probed", "open");
    // failing health checks keep it from closing
    BreakerHarness.holdsFor(Duration.ofSeconds(1), () -> transitions.stream().noneMatch(t -> "closed".equals(t.getString("to"))));
    long before = upstream.requests();
    assertThat(failedGet("probed", "/orders")).as("callers are kept away").isInstanceOf(CircuitOpenException.class);
    upstream.healthy();
    awaitTransitionTo("probed", "closed");
    assertThat(upstream.requests() - before).as("the health checks reached the upstream").isGreaterThanOrEqualTo(2);
    assertThat(get("probed", "/orders").body().getInteger("status")).isEqualTo(200);
  }
}
