package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.adapter.Adapters;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.fallback.Fallbacks;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The call pipeline alone, on a real event loop, in front of a real HTTP server: each outcome is told
 * to the breaker and the meters together, and every request gets its one reply.
 */
class CallPipelineTest {

  private static final String ADDRESS = "test.pipeline";

  private final Vertx vertx = Vertx.vertx();
  private final OnEventLoop loop = new OnEventLoop(vertx);
  private final FlakyHttpServer upstream = BreakerTestSupport.await(FlakyHttpServer.start(vertx));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private CircuitBreaker breaker;
  private CallPipeline pipeline;

  @AfterEach
  void close() {
    BreakerTestSupport.await(vertx.close());
  }

  private void start(BreakerConfig config, List<Map<String, Object>> fallback) {
    loop.run(() -> {
      DependencyAdapter adapter = Adapters.factory("http").create(vertx,
          new JsonObject().put("type", "http").put("base_url", upstream.baseUrl()));
      var fallbacks = Fallbacks.chain(vertx, fallback);
      breaker = new CircuitBreaker("pipeline", config, CoarseClock.shared());
      pipeline = new CallPipeline(vertx, "pipeline", breaker, new BreakerMeters(registry, "pipeline", "n1", fallbacks.types()),
          new FallbackLedger(fallbacks.types()), null, () -> false,
          new CallSetup(config, "http", adapter, fallbacks, null, null, null));
      vertx.eventBus().consumer(ADDRESS, pipeline::onCall);
    });
  }

  private Object send(JsonObject operation) {
    return BreakerTestSupport.await(vertx.eventBus().request(ADDRESS, operation, new DeliveryOptions().setSendTimeout(10_000))
        .map(m -> (Object) m.body()).recover(Future::succeededFuture));
  }

  private double meter(String result) {
    return registry.get("circuit_breaker_requests").tag("result", result).functionCounter().count();
  }

  @Test
  void everyOutcomeReachesTheBreakerAndTheMetersAlike() {
    start(BreakerTestSupport.quiet().callTimeout(Duration.ofMillis(300)).build(), List.of());
    assertThat(send(new JsonObject().put("path", "/ok"))).isInstanceOf(JsonObject.class);
    assertThat(send(new JsonObject().put("path", "/status/404"))).isInstanceOf(JsonObject.class);
    assertThat(((ReplyException) send(new JsonObject().put("path", "/status/503"))).failureCode()).isEqualTo(502);
    upstream.hang();
    assertThat(((ReplyException) send(new JsonObject().put("path", "/hangs"))).failureCode()).isEqualTo(504);
    BreakerSnapshot s = loop.call(() -> breaker.snapshot());
    assertThat(new long[] {s.successCalls(), s.ignoredCalls(), s.failureCalls(), s.timeoutCalls()}).containsExactly(1, 1, 1, 1);
    assertThat(new double[] {meter("success"), meter("ignored"), meter("failure"), meter("timeout")})
        .containsExactly(1, 1, 1, 1);
  }

  @Test
  void aFailureThatAFallbackAnswersIsStillCountedAsAFailure() {
    start(BreakerTestSupport.quiet().build(), List.of(Map.of("type", "static", "value", Map.of("fallback", true))));
    assertThat(send(new JsonObject().put("path", "/status/500"))).isEqualTo(new JsonObject().put("fallback", true));
    assertThat(loop.call(() -> breaker.snapshot().failureCalls())).isEqualTo(1);
    assertThat(meter("failure")).isEqualTo(1);
  }

  @Test
  void aStoppedPipelineAnswersEveryCallItHoldsAndRefusesNewOnes() {
    start(BreakerTestSupport.quiet().callTimeout(Duration.ofSeconds(10)).build(), List.of());
    upstream.hang();
    var running = vertx.eventBus().request(ADDRESS, new JsonObject().put("path", "/held"), new DeliveryOptions().setSendTimeout(10_000));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> upstream.requests() >= 1);
    loop.run(() -> pipeline.stop());
    Throwable held = BreakerTestSupport.failure(running);
    ReplyException re = (ReplyException) held;
    assertThat(FuseboxError.parse(re.failureCode(), re.getMessage()).code()).isEqualTo(ErrorCode.SHUTTING_DOWN);
    ReplyException late = (ReplyException) send(new JsonObject().put("path", "/late"));
    assertThat(FuseboxError.parse(late.failureCode(), late.getMessage()).code()).isEqualTo(ErrorCode.SHUTTING_DOWN);
  }
}
