package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxReply;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A dependency that fails most calls, behind a breaker whose throttling state starts at 20%
 * failures and whose detectors are off: part of the calls are refused, the more the worse it gets,
 * and the breaker never opens.
 */
class ThrottlingTest extends BreakerTestSupport {

  @Test
  void aBrownoutRefusesAShareOfCallsThatEndsWhenTheDependencyHeals() {
    deploy("browned", quiet().throttling(true).throttlingThreshold(0.2).throttlingWindow(Duration.ofSeconds(2)).build());
    upstream.errorRate(0.6);
    int refused = 0;
    for (int i = 0; i < 200; i++) {
      if (outcome(client.http("browned").get("/b" + i)) instanceof CircuitOpenException open) {
        assertThat(open.error().code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(open.error().retryAfterMillis()).isEqualTo(1000);
        assertThat(open.error().detail()).contains("of calls are refused to spare it");
        assertThat(open.error().state()).isEqualTo("closed");
        refused++;
      }
    }
    assertThat(refused).as("about half: (0.6 - 0.2) / 0.8").isBetween(40, 160);
    assertThat(upstream.requests()).isLessThan(200 + 200 - refused);
    JsonObject throttling = latestSnapshot("browned").getJsonObject("throttling");
    assertThat(throttling.getBoolean("active")).isTrue();
    assertThat(throttling.getDouble("refused_share")).isBetween(0.2, 0.8);
    assertThat(refusedShare("browned")).as("the metric, from the breaker's latest snapshot").isPositive();
    Awaitility.await("the throttling event").until(() -> transitions.stream()
        .anyMatch(e -> "throttling".equals(e.getString("type")) && e.getBoolean("active")));
    assertThat(latestSnapshot("browned").getString("state")).as("never opened").isEqualTo("closed");

    upstream.healthy();
    Awaitility.await("throttling ended").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      outcome(client.http("browned").get("/healthy"));
      assertThat(transitions.stream().anyMatch(e -> "throttling".equals(e.getString("type")) && !e.getBoolean("active")))
          .isTrue();
    });
    assertThat(refusedShare("browned")).isZero();
  }

  @Test
  void aFallbackOnThrottledAnswersTheRefusedCalls() {
    deploy("spared", quiet().throttling(true).throttlingThreshold(0.2).build(), upstream.baseUrl(),
        List.of(Map.of("type", "static", "value", Map.of("spared", true), "on", List.of("throttled"))));
    upstream.failAll();
    Awaitility.await("a refused call answered by the fallback").atMost(Duration.ofSeconds(10)).until(() -> {
      Future<FuseboxReply> call = client.http("spared").get("/s");
      return outcome(call) == null && call.result().fromFallback() && "static".equals(call.result().fallbackType());
    });
  }

  /** The failure the call ended with, or null when it succeeded. */
  private static Throwable outcome(Future<?> call) {
    try {
      call.await(10, TimeUnit.SECONDS);
      return null;
    } catch (Exception e) {
      return e;
    }
  }

  private double refusedShare(String breaker) {
    return registry.get("circuit_breaker_throttling_refused_share").tag("name", breaker).gauge().value();
  }
}
