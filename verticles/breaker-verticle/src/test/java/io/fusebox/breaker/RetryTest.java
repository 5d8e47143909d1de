package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.CallTimeoutException;
import io.fusebox.protocol.DependencyFailureException;
import io.fusebox.protocol.FuseboxException;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.protocol.Headers;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The breaker retries failed reads itself, within the call's deadline and its retry budget. */
class RetryTest extends BreakerTestSupport {

  private static final JsonObject POST = new JsonObject().put("method", "POST").put("path", "/orders");

  @Test
  void aFailedReadIsTriedMaxAttemptsTimesAndEachAttemptIsJudged() {
    deploy("reads", quiet().maxAttempts(3).retryBackoff(Duration.ofMillis(10)).retryBudgetMinPerSecond(100).build());
    upstream.failAll();

    assertThat(failedGet("reads", "/r")).isInstanceOf(DependencyFailureException.class);
    assertThat(upstream.requests()).isEqualTo(3);
    JsonObject snapshot = latestSnapshot("reads");
    assertThat(snapshot.getJsonObject("calls").getLong("failure")).as("every attempt counted").isEqualTo(3);
    assertThat(snapshot.getJsonObject("retry").getLong("retries_last_10s")).isEqualTo(2);
  }

  @Test
  void aWriteIsNotRetriedUnlessIdempotentOnlyIsOff() {
    deploy("writes", quiet().maxAttempts(3).retryBackoff(Duration.ofMillis(10)).retryBudgetMinPerSecond(100).build());
    deploy("writes_anyway", quiet().maxAttempts(3).retryBackoff(Duration.ofMillis(10)).retryBudgetMinPerSecond(100)
        .retryIdempotentOnly(false).build());
    upstream.failAll();

    assertThat(failure(client.call("writes", POST))).isInstanceOf(DependencyFailureException.class);
    assertThat(upstream.requests()).as("a POST may not be safe to repeat").isEqualTo(1);
    assertThat(failure(client.call("writes_anyway", POST))).isInstanceOf(DependencyFailureException.class);
    assertThat(upstream.requests()).isEqualTo(4);
  }

  @Test
  void aTimedOutAttemptIsRetriedWithinTheCallsDeadline() {
    deploy("slow", quiet().callTimeout(Duration.ofSeconds(2)).maxAttempts(3).attemptTimeout(Duration.ofMillis(100))
        .retryBackoff(Duration.ofMillis(10)).retryJitter(0).retryBudgetMinPerSecond(100).build());
    upstream.latency(Duration.ofMillis(400));
    long start = System.nanoTime();

    Throwable timedOut = failedGet("slow", "/s");
    assertThat(timedOut).isInstanceOf(CallTimeoutException.class);
    assertThat(upstream.requests()).isEqualTo(3);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("three attempts of 100 ms, not the call's 2 s")
        .isBetween(Duration.ofMillis(300), Duration.ofMillis(1500));
  }

  @Test
  void aRetryAfterALiveReloadGoesWhereItsFirstAttemptWent() {
    BreakerConfig config = quiet().maxAttempts(2).retryBackoff(Duration.ofSeconds(1)).retryJitter(0)
        .retryBudgetMinPerSecond(100).build();
    BreakerVerticle verticle = new BreakerVerticle(service("moved", config, upstream), "node-test", SNAPSHOT_INTERVAL,
        services());
    await(vertx.deployVerticle(verticle));
    FlakyHttpServer movedTo = await(FlakyHttpServer.start(vertx));
    upstream.failAll();

    Future<FuseboxReply> call = client.http("moved").get("/m");
    Awaitility.await("the first attempt").atMost(Duration.ofSeconds(5)).until(() -> upstream.requests() == 1);
    await(verticle.reconfigure(service("moved", config, movedTo), "v2"));

    assertThat(failure(call)).isInstanceOf(DependencyFailureException.class);
    assertThat(upstream.requests()).as("the retry ran on the pool its call started on").isEqualTo(2);
    assertThat(movedTo.requests()).isZero();
    get("moved", "/later");
    assertThat(movedTo.requests()).as("a call after the reload").isEqualTo(1);
  }

  private static FuseboxConfig.Service service(String name, BreakerConfig config, FlakyHttpServer dependency) {
    return new FuseboxConfig.Service(name, "default", config, Map.of("type", "http", "base_url", dependency.baseUrl()),
        List.of());
  }

  @Test
  void noRetryStartsThatTheDeadlineWouldCutShort() {
    deploy("hurried", quiet().callTimeout(Duration.ofMillis(300)).maxAttempts(3).retryBackoff(Duration.ofMillis(500))
        .retryJitter(0).retryBudgetMinPerSecond(100).build());
    upstream.failAll();

    assertThat(failedGet("hurried", "/h")).isInstanceOf(DependencyFailureException.class);
    assertThat(upstream.requests()).isEqualTo(1);
  }

  @Test
  void instancesWithAClusterBudgetSpendOneBudgetTogether() {
    // two instances of one breaker (in a cluster they would be on two nodes): no share of first
    // attempts, one retry a second, so ten retries in the window for both together
    BreakerConfig config = quiet().maxAttempts(2).retryBackoff(Duration.ofMillis(1)).retryBudgetRatio(0)
        .retryBudgetMinPerSecond(1).retryClusterBudget(true).build();
    for (String node : List.of("node-a", "node-b")) {
      FuseboxConfig.Service service = new FuseboxConfig.Service("shared", "default", config,
          Map.of("type", "http", "base_url", upstream.baseUrl()), List.of());
      await(vertx.deployVerticle(new BreakerVerticle(service, node, SNAPSHOT_INTERVAL, services())));
    }
    upstream.failAll();
    for (int i = 0; i < 12; i++) {
      failedGet("shared", "/s" + i);
    }
    // each instance retries its six unless it already heard the other's spend (published every second)
    long firstPhase = upstream.requests();
    assertThat(firstPhase).as("12 calls over two instances, each within a floor of 10").isBetween(22L, 24L);
    Awaitility.await("each instance heard the other's spend").atMost(Duration.ofSeconds(5)).until(() ->
        snapshots.stream().filter(s -> "shared".equals(s.getString("breaker")) && s.containsKey("retry"))
            .filter(s -> s.getJsonObject("retry").getInteger("instances_heard") == 1)
            .map(s -> s.getString("node")).distinct().count() == 2);

    for (int i = 0; i < 20; i++) {
      failedGet("shared", "/t" + i);
    }
    assertThat(upstream.requests() - firstPhase).as("the shared floor of 10 spent: no retry for either instance")
        .isEqualTo(20);
  }

  @Test
  void whenTheBudgetIsSpentTheReplySaysSoAndWhenToComeBack() {
    // no share of first attempts, one retry a second: ten retries in the ten-second window
    deploy("budgeted", quiet().maxAttempts(2).retryBackoff(Duration.ofMillis(1)).retryBudgetRatio(0)
        .retryBudgetMinPerSecond(1).build());
    deploy("budgeted_with_fallback", quiet().maxAttempts(2).retryBackoff(Duration.ofMillis(1)).retryBudgetRatio(0)
            .retryBudgetMinPerSecond(1).build(), upstream.baseUrl(),
        List.of(Map.of("type", "static", "value", Map.of("orders", List.of()), "on", List.of("failure"))));
    upstream.failAll();
    FuseboxException last = null;
    for (int i = 0; i < 20; i++) {
      last = (FuseboxException) failedGet("budgeted", "/b" + i);
    }
    assertThat(upstream.requests()).as("20 first attempts and the budget's 10 retries").isBetween(30L, 31L);
    assertThat(last.error().detail()).contains("not retried: the retry budget is exhausted");
    assertThat(last.error().retryAfterMillis()).isEqualTo(1000);
    assertThat(latestSnapshot("budgeted").getJsonObject("retry").getLong("exhausted")).isGreaterThanOrEqualTo(9);
    double retried = retries("budgeted", "retried");
    assertThat(retried).as("the metric counts the retries the dependency saw").isEqualTo(upstream.requests() - 20);
    assertThat(retries("budgeted", "budget_exhausted")).as("every other failed first attempt wanted one")
        .isEqualTo(20 - retried);

    Awaitility.await("the fallback's budget spent too").atMost(Duration.ofSeconds(10)).until(() -> {
      Message<Object> reply = await(vertx.eventBus().request(Addresses.call("budgeted_with_fallback"),
          new JsonObject().put("path", "/f")));
      assertThat(reply.headers().get(Headers.OUTCOME)).isEqualTo(Headers.OUTCOME_FALLBACK);
      return Headers.RETRY_BUDGET_EXHAUSTED.equals(reply.headers().get(Headers.RETRY_BUDGET));
    });
  }

  private double retries(String breaker, String result) {
    return registry.get("circuit_breaker_retries").tag("name", breaker).tag("result", result).functionCounter().count();
  }
}
