package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.CallTimeoutException;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.DependencyFailureException;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.protocol.Headers;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each detector trips the breaker end to end, through the event bus, against a real HTTP server. */
class BreakerVerticleDetectionTest extends BreakerTestSupport {

  @Test
  void healthyCallsReturnTheUpstreamsAnswer() {
    deploy("catalog", quiet().build());
    FuseboxReply reply = get("catalog", "/items");
    assertThat(reply.body().getInteger("status")).isEqualTo(200);
    assertThat(reply.body().getJsonObject("body").getString("path")).isEqualTo("/items");
    assertThat(reply.fromFallback()).isFalse();
    assertThat(reply.state()).isEqualTo("closed");
  }

  @Test
  void consecutiveFailuresOpenTheBreakerAndThenCallsFailFastWithRetryAfter() {
    deploy("payments", quiet().consecutiveFailures(3).openTimeout(Duration.ofSeconds(20)).build());
    upstream.failAll();
    for (int i = 0; i < 3; i++) {
      assertThat(failedGet("payments", "/pay")).isInstanceOf(DependencyFailureException.class)
          .hasMessageContaining("HTTP 500");
    }
    Throwable open = failedGet("payments", "/pay");
    assertThat(open).isInstanceOf(CircuitOpenException.class);
    CircuitOpenException e = (CircuitOpenException) open;
    assertThat(e.code()).isEqualTo(503);
    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(19), Duration.ofSeconds(20));
    assertThat(upstream.requests()).as("the open breaker sent nothing upstream").isEqualTo(3);
    awaitTransitionTo("payments", "open");
    assertThat(transitions.get(0).getString("reason")).isEqualTo("consecutive_failures 3>=3");
    assertThat(transitions.get(0).getString("node")).isEqualTo("node-test");
  }

  @Test
  void failureRateOverTheWindowOpensTheBreaker() {
    deploy("search", quiet().failureRate(0.5).minimumCalls(10).countWindow(10).build());
    for (int i = 0; i < 5; i++) {
      get("search", "/ok");
      failedGet("search", "/status/503");
    }
    awaitTransitionTo("search", "open");
    assertThat(transitions.get(0).getString("reason")).isEqualTo("failure_rate 0.50>=0.50");
    JsonObject window = transitions.get(0).getJsonObject("window").copy();
    JsonObject latency = (JsonObject) window.remove("latency_ms");
    assertThat(window).as("the trip carries the window that tripped it")
        .isEqualTo(new JsonObject().put("calls", 10).put("failures", 5).put("slow_calls", 0)
            .put("failure_rate", 0.5).put("slow_call_rate", 0.0));
    assertThat(latency.getDouble("p50")).as("and the latencies its calls had").isPositive()
        .isLessThanOrEqualTo(latency.getDouble("p99"));
  }

  @Test
  void aTripCarriesTheKindsOfFailureItsCallsMetMostFirst() {
    deploy("catalog", quiet().failureRate(0.5).minimumCalls(10).countWindow(10).callTimeout(Duration.ofMillis(300))
        .build());
    for (int i = 0; i < 4; i++) {
      get("catalog", "/ok");
      failedGet("catalog", "/status/503");
    }
    failedGet("catalog", "/status/500");
    failedGet("catalog", "/status/503");
    awaitTransitionTo("catalog", "open");
    assertThat(transitions.get(0).getJsonArray("errors")).as("the trip's evidence: what the calls failed with")
        .isEqualTo(new JsonArray()
            .add(new JsonObject().put("class", "HTTP 503").put("count", 5))
            .add(new JsonObject().put("class", "HTTP 500").put("count", 1)));
  }

  @Test
  void aHangingUpstreamTimesOutAndTripsTheBreaker() {
    deploy("inventory", quiet().consecutiveFailures(2).callTimeout(Duration.ofMillis(200)).build());
    upstream.hang();
    long start = System.nanoTime();
    assertThat(failedGet("inventory", "/stock")).isInstanceOf(CallTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(2));
    assertThat(failedGet("inventory", "/stock")).isInstanceOf(CallTimeoutException.class);
    assertThat(failedGet("inventory", "/stock")).isInstanceOf(CircuitOpenException.class);
    assertThat(latestSnapshot("inventory").getJsonObject("calls").getLong("timeout")).isEqualTo(2);
    awaitTransitionTo("inventory", "open");
    assertThat(transitions.get(0).getJsonArray("errors"))
        .isEqualTo(new JsonArray().add(new JsonObject().put("class", "timeout").put("count", 2)));
  }

  @Test
  void aSlowUpstreamTripsTheSlowCallRateThoughEveryCallSucceeds() {
    deploy("reviews", quiet().slowCalls(Duration.ofMillis(100), 0.5).minimumCalls(4).countWindow(4).build());
    upstream.latency(Duration.ofMillis(150));
    for (int i = 0; i < 4; i++) {
      assertThat(get("reviews", "/r").body().getInteger("status")).isEqualTo(200);
    }
    awaitTransitionTo("reviews", "open");
    assertThat(transitions.get(0).getString("reason")).isEqualTo("slow_call_rate 1.00>=0.50");
  }

  @Test
  void theTimeoutHeaderShortensTheDeadline() {
    deploy("profile", quiet().callTimeout(Duration.ofSeconds(5)).build());
    upstream.latency(Duration.ofMillis(1500));
    long start = System.nanoTime();
    Throwable t = failure(client.call("profile", new JsonObject().put("method", "GET").put("path", "/p"),
        new DeliveryOptions().addHeader(Headers.TIMEOUT_MS, "150")));
    assertThat(t).isInstanceOf(CallTimeoutException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000));
  }

  @Test
  void clientErrorsAreAnsweredAsTheyAreAndNeverOpenTheBreaker() {
    deploy("users", quiet().consecutiveFailures(2).failureRate(0.5).minimumCalls(2).countWindow(2).build());
    for (int i = 0; i < 50; i++) {
      assertThat(get("users", "/status/404").body().getInteger("status")).isEqualTo(404);
    }
    JsonObject snapshot = latestSnapshot("users");
    assertThat(snapshot.getString("state")).isEqualTo("closed");
    assertThat(snapshot.getJsonObject("calls").getLong("ignored")).isEqualTo(50);
  }

  @Test
  void anUnreachableUpstreamCountsAsFailure() {
    deploy("gone", quiet().consecutiveFailures(2).build());
    await(upstream.close());
    assertThat(failedGet("gone", "/x")).isInstanceOf(DependencyFailureException.class);
    assertThat(failedGet("gone", "/x")).isInstanceOf(DependencyFailureException.class);
    assertThat(failedGet("gone", "/x")).isInstanceOf(CircuitOpenException.class);
  }
}
