package io.fusebox.vertx.circuitbreaker;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.BreakerHarness;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviours vertx-circuit-breaker's users rely on, checked against the drop-in: what its own
 * test suite pins (our tests of them, written from its documented behaviour).
 */
class FuseboxCircuitBreakerTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private CircuitBreaker breaker(CircuitBreakerOptions options) {
    return FuseboxCircuitBreaker.create("drop-in", vertx, options);
  }

  private static Future<String> fail() {
    return Future.failedFuture(new IllegalStateException("down"));
  }

  @Test
  void ok() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions());
    assertThat(await(breaker.<String>execute(promise -> promise.complete("hello")))).isEqualTo("hello");
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(breaker.failureCount()).isZero();
    assertThat(breaker.name()).isEqualTo("drop-in");
  }

  @Test
  void opensAfterMaxFailuresCallsTheOpenHandlerAndRejects() {
    AtomicInteger opened = new AtomicInteger();
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxFailures(3).setResetTimeout(60_000))
        .openHandler(v -> opened.incrementAndGet());
    for (int i = 0; i < 2; i++) {
      failure(breaker.execute(FuseboxCircuitBreakerTest::fail));
    }
    assertThat(breaker.failureCount()).isEqualTo(2);
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    failure(breaker.execute(FuseboxCircuitBreakerTest::fail));
    Awaitility.await().until(() -> breaker.state() == CircuitBreakerState.OPEN);
    Awaitility.await("the open handler").atMost(Duration.ofSeconds(5)).until(() -> opened.get() == 1);
    AtomicInteger ran = new AtomicInteger();
    assertThat(failure(breaker.execute(() -> {
      ran.incrementAndGet();
      return Future.succeededFuture("x");
    }))).isSameAs(OpenCircuitException.INSTANCE);
    assertThat(ran).hasValue(0);
  }

  @Test
  void aSuccessForgetsTheFailures() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxFailures(2));
    failure(breaker.execute(FuseboxCircuitBreakerTest::fail));
    await(breaker.execute(() -> Future.succeededFuture("ok")));
    failure(breaker.execute(FuseboxCircuitBreakerTest::fail));
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(breaker.failureCount()).isEqualTo(1);
  }

  @Test
  void theFallbackAnswersWhileOpenAndGetsTheOpenCircuitException() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxFailures(1).setResetTimeout(60_000));
    failure(breaker.execute(FuseboxCircuitBreakerTest::fail));
    Awaitility.await().until(() -> breaker.state() == CircuitBreakerState.OPEN);
    String answer = await(breaker.executeWithFallback(() -> Future.succeededFuture("live"),
        e -> e == OpenCircuitException.INSTANCE ? "fallback" : "other"));
    assertThat(answer).isEqualTo("fallback");
    breaker.fallback(e -> "default fallback");
    assertThat(await(breaker.<String>execute(() -> Future.succeededFuture("live")))).isEqualTo("default fallback");
  }

  @Test
  void fallbackOnFailureAnswersFailuresWhileClosedAndStillCountsThem() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxFailures(2).setFallbackOnFailure(true));
    String answer = await(breaker.executeWithFallback(FuseboxCircuitBreakerTest::fail, Throwable::getMessage));
    assertThat(answer).isEqualTo("down");
    assertThat(breaker.failureCount()).isEqualTo(1);
    String without = failure(breaker.execute(FuseboxCircuitBreakerTest::fail)).getMessage();
    assertThat(without).as("no fallback set").isEqualTo("down");
  }

  @Test
  void halfOpensAfterTheResetTimeoutAndOneSuccessCloses() {
    AtomicInteger halfOpened = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxFailures(1).setResetTimeout(200))
        .halfOpenHandler(v -> halfOpened.incrementAndGet()).closeHandler(v -> closed.incrementAndGet());
    failure(breaker.execute(FuseboxCircuitBreakerTest::fail));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == CircuitBreakerState.HALF_OPEN);
    // the handler runs on the breaker's event loop just after the state another thread reads has moved
    Awaitility.await("the half-open handler").atMost(Duration.ofSeconds(5)).until(() -> halfOpened.get() == 1);
    assertThat(await(breaker.execute(() -> Future.succeededFuture("back")))).isEqualTo("back");
    Awaitility.await().until(() -> breaker.state() == CircuitBreakerState.CLOSED);
    Awaitility.await("the close handler").atMost(Duration.ofSeconds(5)).until(() -> closed.get() == 1);
    assertThat(halfOpened).as("half-opened once only").hasValue(1);
  }

  @Test
  void aFailureWhileHalfOpenReopensAndOnlyOneCallPasses() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxFailures(1).setResetTimeout(200));
    failure(breaker.execute(FuseboxCircuitBreakerTest::fail));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == CircuitBreakerState.HALF_OPEN);
    Promise<String> probe = Promise.promise();
    Future<String> first = breaker.execute(probe::future);
    assertThat(failure(breaker.execute(() -> Future.succeededFuture("second"))))
        .as("one call at a time while half-open").isSameAs(OpenCircuitException.INSTANCE);
    probe.fail("still down");
    failure(first);
    Awaitility.await().until(() -> breaker.state() == CircuitBreakerState.OPEN);
  }

  @Test
  void aCommandPastTheTimeoutFailsWithTimeoutExceptionAndCounts() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setTimeout(100).setMaxFailures(1).setResetTimeout(60_000));
    assertThat(failure(breaker.execute(promise -> { }))).isSameAs(TimeoutException.INSTANCE);
    Awaitility.await().until(() -> breaker.state() == CircuitBreakerState.OPEN);
  }

  @Test
  void anExceptionThrownByTheCommandIsAFailure() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxFailures(5));
    assertThat(failure(breaker.execute(promise -> {
      throw new IllegalArgumentException("thrown");
    }))).hasMessage("thrown");
    assertThat(breaker.failureCount()).isEqualTo(1);
  }

  @Test
  void theFailurePolicyDecidesWhatIsAFailure() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxFailures(2))
        .failurePolicy(outcome -> outcome.failed() || "error page".equals(outcome.result()));
    assertThat(await(breaker.execute(() -> Future.succeededFuture("error page")))).isEqualTo("error page");
    assertThat(breaker.failureCount()).isEqualTo(1);
    CircuitBreaker lenient = FuseboxCircuitBreaker.create("lenient", vertx, new CircuitBreakerOptions().setMaxFailures(1))
        .failurePolicy(outcome -> false);
    failure(lenient.execute(FuseboxCircuitBreakerTest::fail));
    assertThat(lenient.state()).as("a failure the policy forgives").isEqualTo(CircuitBreakerState.CLOSED);
  }

  @Test
  void retriesWithTheRetryPolicyBeforeCounting() {
    AtomicInteger attempts = new AtomicInteger();
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setMaxRetries(2).setMaxFailures(1))
        .retryPolicy((failure, retry) -> retry * 10L);
    String answer = await(breaker.execute(() -> attempts.incrementAndGet() < 3 ? fail() : Future.succeededFuture("third")));
    assertThat(answer).isEqualTo("third");
    assertThat(attempts).hasValue(3);
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
  }

  @Test
  void resetLeavesAnOpenBreakerOpen() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setResetTimeout(60_000));
    breaker.open();
    Awaitility.await().until(() -> breaker.state() == CircuitBreakerState.OPEN);
    breaker.reset();
    BreakerHarness.holdsFor(Duration.ofMillis(300), () -> breaker.state() == CircuitBreakerState.OPEN);
  }

  @Test
  void openHalfOpensAfterTheResetTimeoutAndResetClosesAHalfOpenBreaker() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions().setResetTimeout(200));
    breaker.open();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == CircuitBreakerState.HALF_OPEN);
    breaker.reset();
    Awaitility.await().until(() -> breaker.state() == CircuitBreakerState.CLOSED);
  }

  @Test
  void executeAndReportCompletesTheGivenPromise() {
    CircuitBreaker breaker = breaker(new CircuitBreakerOptions());
    Promise<String> result = Promise.promise();
    breaker.<String>executeAndReport(result, promise -> promise.complete("reported"));
    assertThat(await(result.future())).isEqualTo("reported");
  }
}
