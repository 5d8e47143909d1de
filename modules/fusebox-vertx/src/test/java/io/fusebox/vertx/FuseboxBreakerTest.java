package io.fusebox.vertx;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.detectorsOff;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.protocol.CallTimeoutException;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxException;
import io.fusebox.protocol.TooManyCallsException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-process breaker's call path: admission, outcomes, deadlines, threads, bulkhead, fallback. */
class FuseboxBreakerTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private static BreakerConfig opensAfter(int failures) {
    return detectorsOff().consecutiveFailures(failures).consecutiveFailuresNoiseAware(false)
        .openTimeout(Duration.ofSeconds(30)).exponentialBackoff(false).callTimeout(Duration.ofSeconds(5)).build();
  }

  private static FuseboxBreaker quiet(Vertx vertx, String name, BreakerConfig config) {
    return FuseboxBreaker.create(vertx, name, config, new FuseboxBreakerOptions().publish(false));
  }

  /** Runs on the breaker's context and gives back what the action returned there. */
  private static <T> T onContext(Context context, java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aCompletedFutureIsHandedBackAsItIsOnTheBreakersContext() throws Exception {
    Context context = vertx.getOrCreateContext();
    FuseboxBreaker breaker = onContext(context, () -> quiet(vertx, "orders", opensAfter(3)));
    Future<String> done = Future.succeededFuture("ok");
    assertThat(onContext(context, () -> breaker.execute(() -> done))).isSameAs(done);
    assertThat(onContext(context, () -> breaker.snapshot().successCalls())).isEqualTo(1);
  }

  @Test
  void opensAfterConsecutiveFailuresAndRejectsWithoutRunningTheOperation() {
    FuseboxBreaker breaker = quiet(vertx, "orders", opensAfter(3));
    for (int i = 0; i < 3; i++) {
      assertThat(failure(breaker.execute(() -> Future.failedFuture(new IllegalStateException("down")))))
          .hasMessageContaining("down");
    }
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    assertThat(breaker.isOpen()).isTrue();
    AtomicInteger ran = new AtomicInteger();
    Throwable rejected = failure(breaker.execute(() -> {
      ran.incrementAndGet();
      return Future.succeededFuture("never");
    }));
    assertThat(rejected).isInstanceOf(CircuitOpenException.class);
    assertThat(((CircuitOpenException) rejected).retryAfter()).isPositive();
    assertThat(ran).hasValue(0);
  }

  @Test
  void aCallPastItsDeadlineIsAnsweredWithATimeoutAndCounted() throws Exception {
    Context context = vertx.getOrCreateContext();
    FuseboxBreaker breaker = onContext(context, () -> quiet(vertx, "slow",
        detectorsOff().callTimeout(Duration.ofMillis(200)).build()));
    long start = System.nanoTime();
    Throwable timedOut = failure(breaker.execute(() -> Promise.<String>promise().future()));
    assertThat(timedOut).isInstanceOf(CallTimeoutException.class);
    assertThat(((FuseboxException) timedOut).error().code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(190), Duration.ofSeconds(2));
    assertThat(onContext(context, () -> breaker.snapshot().timeoutCalls())).isEqualTo(1);
  }

  @Test
  void theClassifierDecidesWhatCounts() throws Exception {
    Classifier classifier = Classifier.builder()
        .callersFault(e -> e instanceof IllegalArgumentException)
        .ignore(e -> e instanceof java.util.NoSuchElementException)
        .failedResult(r -> "503".equals(r))
        .build();
    Context context = vertx.getOrCreateContext();
    FuseboxBreaker breaker = onContext(context, () -> FuseboxBreaker.create(vertx, "classified", opensAfter(2),
        new FuseboxBreakerOptions().publish(false).classifier(classifier)));
    failure(breaker.execute(() -> Future.failedFuture(new IllegalArgumentException("bad id"))));
    failure(breaker.execute(() -> Future.failedFuture(new IllegalArgumentException("bad id"))));
    failure(breaker.execute(() -> Future.failedFuture(new java.util.NoSuchElementException("no such order"))));
    assertThat(await(breaker.execute(() -> Future.succeededFuture("503")))).isEqualTo("503");
    var snapshot = onContext(context, breaker::snapshot);
    assertThat(snapshot.failureCalls()).as("a 503 result is a failure").isEqualTo(1);
    assertThat(snapshot.ignoredCalls()).as("not found is ignored").isEqualTo(1);
    assertThat(snapshot.successCalls() + snapshot.failureCalls() + snapshot.ignoredCalls())
        .as("the caller's mistakes count for nothing").isEqualTo(2);
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
  }

  @Test
  void aCallFromAnotherThreadRunsOnTheBreakersContext() throws Exception {
    Context context = vertx.getOrCreateContext();
    FuseboxBreaker breaker = onContext(context, () -> quiet(vertx, "hopped", opensAfter(3)));
    AtomicReference<Context> ranOn = new AtomicReference<>();
    String answer = await(breaker.execute(() -> {
      ranOn.set(Vertx.currentContext());
      return Future.succeededFuture("hop");
    }));
    assertThat(answer).isEqualTo("hop");
    assertThat(ranOn.get()).isSameAs(context);
  }

  @Test
  void anOperationThatThrowsOrReturnsNothingIsAFailure() {
    FuseboxBreaker breaker = quiet(vertx, "throws", opensAfter(2));
    assertThat(failure(breaker.execute(() -> {
      throw new IllegalStateException("boom");
    }))).hasMessage("boom");
    assertThat(failure(breaker.execute(() -> null))).isInstanceOf(NullPointerException.class);
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void theFallbackAnswersFailuresAndRejections() {
    FuseboxBreaker breaker = quiet(vertx, "fallback", opensAfter(1));
    String cached = await(breaker.executeWithFallback(() -> Future.<String>failedFuture(new IllegalStateException("down")),
        e -> "cached"));
    assertThat(cached).isEqualTo("cached");
    String answer = await(breaker.executeWithFallback(() -> Future.succeededFuture("live"),
        e -> "from " + e.getClass().getSimpleName()));
    assertThat(answer).isEqualTo("from CircuitOpenException");
  }

  @Test
  void anActiveProbeRecoversWithoutRiskingACallersCall() {
    AtomicInteger checks = new AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean healthy = new java.util.concurrent.atomic.AtomicBoolean();
    FuseboxBreaker breaker = FuseboxBreaker.create(vertx, "probed", detectorsOff().consecutiveFailures(1)
            .consecutiveFailuresNoiseAware(false).openTimeout(Duration.ofMillis(100)).exponentialBackoff(false)
            .permittedProbes(1).successThreshold(1).build(),
        new FuseboxBreakerOptions().publish(false).activeProbe(() -> {
          checks.incrementAndGet();
          return healthy.get() ? Future.succeededFuture() : Future.failedFuture("still down");
        }, Duration.ofMillis(50)));
    failure(breaker.execute(() -> Future.failedFuture(new IllegalStateException("down"))));
    org.awaitility.Awaitility.await().until(() -> checks.get() >= 2);
    AtomicInteger callerRan = new AtomicInteger();
    Throwable refused = failure(breaker.execute(() -> {
      callerRan.incrementAndGet();
      return Future.succeededFuture("x");
    }));
    assertThat(refused).isInstanceOf(CircuitOpenException.class);
    assertThat(callerRan).as("no caller's call is a probe").hasValue(0);
    healthy.set(true);
    org.awaitility.Awaitility.await().until(() -> breaker.state() == BreakerState.CLOSED);
    assertThat(await(breaker.execute(() -> Future.succeededFuture("back")))).isEqualTo("back");
  }

  @Test
  void theBulkheadQueuesThenRefuses() {
    FuseboxBreaker breaker = quiet(vertx, "narrow", detectorsOff().maxConcurrentCalls(1).maxWaitQueue(1)
        .callTimeout(Duration.ofSeconds(5)).build());
    Promise<String> first = Promise.promise();
    Future<String> running = breaker.execute(first::future);
    AtomicInteger secondRan = new AtomicInteger();
    Future<String> waiting = breaker.execute(() -> {
      secondRan.incrementAndGet();
      return Future.succeededFuture("second");
    });
    Throwable refused = failure(breaker.execute(() -> Future.succeededFuture("third")));
    assertThat(refused).isInstanceOf(TooManyCallsException.class);
    assertThat(((FuseboxException) refused).error().code()).isEqualTo(ErrorCode.BULKHEAD_FULL);
    assertThat(secondRan).as("the second call waits for the first").hasValue(0);
    first.complete("first");
    assertThat(await(running)).isEqualTo("first");
    assertThat(await(waiting)).isEqualTo("second");
  }

  @Test
  void aWaitingCallLeavesTheQueueAtItsDeadline() throws Exception {
    Context context = vertx.getOrCreateContext();
    FuseboxBreaker breaker = onContext(context, () -> quiet(vertx, "queued", detectorsOff().maxConcurrentCalls(1)
        .maxWaitQueue(4).callTimeout(Duration.ofMillis(300)).build()));
    // both in one task on the breaker's context: the hung call's deadline frees its slot within the
    // same millisecond as the waiting call's deadline, not a hop later (which left it 1 ms to run)
    Future<String> late = onContext(context, () -> {
      breaker.execute(() -> Promise.<String>promise().future());
      return breaker.execute(() -> Future.succeededFuture("late"));
    });
    Throwable waited = failure(late);
    assertThat(waited).isInstanceOf(CallTimeoutException.class).hasMessageContaining("waiting for a bulkhead slot");
  }

  @Test
  void aWaitingCallWithLessThanATenthOfItsDeadlineLeftIsAnsweredNotRunWhenASlotFrees() throws Exception {
    Context context = vertx.getOrCreateContext();
    FuseboxBreaker breaker = onContext(context, () -> quiet(vertx, "sliver", detectorsOff().maxConcurrentCalls(1)
        .maxWaitQueue(4).callTimeout(Duration.ofMillis(1000)).build()));
    Promise<String> holding = Promise.promise();
    AtomicBoolean ran = new AtomicBoolean();
    AtomicLong queuedAt = new AtomicLong();
    Future<String> waiting = onContext(context, () -> {
      queuedAt.set(System.nanoTime());
      breaker.execute(holding::future);
      return breaker.execute(() -> {
        ran.set(true);
        return Future.succeededFuture("ran");
      });
    });
    // the slot frees with at most 80 ms of the waiting call's 1,000 left (or after its own deadline
    // has answered it)
    Awaitility.await().pollInterval(Duration.ofMillis(5))
        .until(() -> System.nanoTime() - queuedAt.get() >= TimeUnit.MILLISECONDS.toNanos(920));
    context.runOnContext(v -> holding.complete("done"));

    assertThat(failure(waiting)).isInstanceOf(CallTimeoutException.class).hasMessageContaining("bulkhead slot");
    assertThat(ran).as("the waiting call's operation never ran").isFalse();
  }
}
