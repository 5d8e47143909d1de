package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.testkit.BreakerHarness;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * 200 concurrent callers keep sending while the upstream flaps between healthy, failing and
 * hanging: every request is answered exactly once, and the breaker's counts add up.
 *
 * <p>The upstream moves to its next phase only once callers have seen what that phase causes (a
 * success, a failure, a timeout), and callers stop only once they have seen every kind of answer,
 * rejections included. A slow machine therefore stretches the test instead of skipping a phase.
 */
class ExactlyOneReplyTest extends BreakerTestSupport {

  private static final int CALLERS = 200;
  private static final int MIN_CALLS_PER_CALLER = 100;
  private static final int SUCCESS = 200;

  private enum Phase {
    HEALTHY(SUCCESS), FAILING(ErrorCode.DEPENDENCY_FAILURE.code()), HANGING(ErrorCode.TIMEOUT.code());

    final int answer;

    Phase(int answer) {
      this.answer = answer;
    }

    Phase next() {
      return values()[(ordinal() + 1) % values().length];
    }
  }

  private final Set<Integer> answersSeen = ConcurrentHashMap.newKeySet();
  private final AtomicInteger phase = new AtomicInteger(Phase.HEALTHY.ordinal());
  private final AtomicBoolean phaseAnswered = new AtomicBoolean();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong completions = new AtomicLong();

  @Test
  void everyRequestGetsExactlyOneReplyWhileTheUpstreamFlaps() {
    deploy("flappy", quiet().consecutiveFailures(20).failureRate(0.5).minimumCalls(50).countWindow(100)
        .callTimeout(Duration.ofMillis(100)).openTimeout(Duration.ofMillis(150)).maxOpenTimeout(Duration.ofMillis(600))
        .permittedProbes(5).successThreshold(3).build());
    AtomicLong repliesSeen = new AtomicLong();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      String address = ctx.message().address();
      if (ctx.message().isSend() && address != null && !address.startsWith("fusebox.")) {
        repliesSeen.incrementAndGet();
      }
      ctx.next();
    });
    long flapper = vertx.setPeriodic(100, id -> {
      if (phaseAnswered.getAndSet(false)) {
        Phase next = Phase.values()[phase.get()].next();
        switch (next) {
          case HEALTHY -> upstream.healthy();
          case FAILING -> upstream.healthy().errorRate(0.7);
          case HANGING -> upstream.healthy().hang();
        }
        phase.set(next.ordinal());
      }
    });

    List<Future<Void>> callers = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      Promise<Void> done = Promise.promise();
      callers.add(done.future());
      vertx.runOnContext(v -> callInTurn(0, done));
    }
    await(Future.all(callers));
    vertx.cancelTimer(flapper);
    upstream.healthy();

    assertThat(answersSeen).as("kinds of answer the callers saw")
        .contains(SUCCESS, ErrorCode.DEPENDENCY_FAILURE.code(), ErrorCode.TIMEOUT.code(), ErrorCode.CIRCUIT_OPEN.code());
    assertThat(completions.get()).isEqualTo(sent.get());
    // the interceptor sees a reply as it leaves, which may be just after the caller has it
    Awaitility.await().untilAsserted(() -> assertThat(repliesSeen.get())
        .as("replies sent by the breaker, successes and failures together").isEqualTo(sent.get()));
    BreakerHarness.holdsFor(Duration.ofMillis(300), () -> repliesSeen.get() == sent.get());
    JsonObject calls = latestSnapshot("flappy").getJsonObject("calls");
    long counted = calls.getLong("success") + calls.getLong("failure") + calls.getLong("ignored")
        + calls.getLong("rejected") + calls.getLong("timeout");
    assertThat(counted).as("counts in the final snapshot: " + calls).isEqualTo(sent.get());
    assertThat(calls.getLong("success")).isPositive();
    assertThat(calls.getLong("failure")).isPositive();
    assertThat(calls.getLong("timeout")).isPositive();
    assertThat(calls.getLong("rejected")).isPositive();
  }

  /** The answers each phase causes, and the rejection; 429s (probes all taken) may come on top. */
  private static final Set<Integer> EVERY_KIND = Set.of(SUCCESS, ErrorCode.DEPENDENCY_FAILURE.code(),
      ErrorCode.TIMEOUT.code(), ErrorCode.CIRCUIT_OPEN.code());

  private boolean everyAnswerSeen() {
    // not a count of kinds: a 429 is a kind too, and could stand in for one not seen yet
    return answersSeen.containsAll(EVERY_KIND);
  }

  private void callInTurn(int made, Promise<Void> done) {
    if (made >= MIN_CALLS_PER_CALLER && everyAnswerSeen()) {
      done.complete();
      return;
    }
    sent.incrementAndGet();
    vertx.eventBus().<JsonObject>request(Addresses.call("flappy"), new JsonObject().put("path", "/f"))
        .onComplete(ar -> {
          completions.incrementAndGet();
          note(answerOf(ar));
          callInTurn(made + 1, done);
        });
  }

  private void note(int answer) {
    answersSeen.add(answer);
    if (answer == Phase.values()[phase.get()].answer) {
      phaseAnswered.set(true);
    }
  }

  private static int answerOf(AsyncResult<Message<JsonObject>> ar) {
    if (ar.succeeded()) {
      return SUCCESS;
    }
    return ar.cause() instanceof ReplyException re ? re.failureCode() : -1;
  }
}
