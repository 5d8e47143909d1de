package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * 200 concurrent callers send 20,000 requests while the upstream flaps between healthy, failing
 * and hanging: every request is answered exactly once, and the breaker's counts add up.
 */
class ExactlyOneReplyTest extends BreakerTestSupport {

  private static final int CALLERS = 200;
  private static final int CALLS_PER_CALLER = 100;

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
    AtomicInteger phase = new AtomicInteger();
    long flapper = vertx.setPeriodic(100, id -> {
      switch (phase.incrementAndGet() % 3) {
        case 0 -> upstream.healthy();
        case 1 -> upstream.healthy().errorRate(0.7);
        default -> upstream.healthy().hang();
      }
    });

    AtomicLong completions = new AtomicLong();
    List<Future<Void>> callers = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      Promise<Void> done = Promise.promise();
      callers.add(done.future());
      vertx.runOnContext(v -> callInTurn(CALLS_PER_CALLER, completions, done));
    }
    await(Future.all(callers));
    vertx.cancelTimer(flapper);
    upstream.healthy();

    long sent = (long) CALLERS * CALLS_PER_CALLER;
    assertThat(completions.get()).isEqualTo(sent);
    sleep(300);
    assertThat(repliesSeen.get()).as("replies sent by the breaker, successes and failures together").isEqualTo(sent);
    JsonObject calls = latestSnapshot("flappy").getJsonObject("calls");
    long counted = calls.getLong("success") + calls.getLong("failure") + calls.getLong("ignored")
        + calls.getLong("rejected") + calls.getLong("timeout");
    assertThat(counted).as("counts in the final snapshot: " + calls).isEqualTo(sent);
    assertThat(calls.getLong("success")).isPositive();
    assertThat(calls.getLong("failure")).isPositive();
    assertThat(calls.getLong("timeout")).isPositive();
    assertThat(calls.getLong("rejected")).isPositive();
  }

  private void callInTurn(int remaining, AtomicLong completions, Promise<Void> done) {
    if (remaining == 0) {
      done.complete();
      return;
    }
    vertx.eventBus().request(Addresses.call("flappy"), new JsonObject().put("path", "/f"))
        .onComplete(ar -> {
          completions.incrementAndGet();
          callInTurn(remaining - 1, completions, done);
        });
  }
}
