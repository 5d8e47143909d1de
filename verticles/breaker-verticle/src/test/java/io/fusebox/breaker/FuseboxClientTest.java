package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerState;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.protocol.FuseboxClientOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The caller's mirror of breaker states, and fail-fast on it. */
class FuseboxClientTest extends BreakerTestSupport {

  @Test
  void theMirrorFollowsTheBreakersState() {
    deploy("mirror", quiet().consecutiveFailures(1).openTimeout(Duration.ofMillis(400)).build());
    latestSnapshot("mirror");
    assertThat(client.state("mirror")).isEqualTo(BreakerState.CLOSED);
    assertThat(client.state("unknown")).isNull();
    upstream.failAll();
    failedGet("mirror", "/m");
    Awaitility.await().until(() -> client.state("mirror") == BreakerState.OPEN);
    awaitTransitionTo("mirror", "half_open");
    Awaitility.await().until(() -> client.state("mirror") == BreakerState.HALF_OPEN);
  }

  @Test
  void failFastRejectsWithoutSendingWhileEveryInstanceIsOpen() {
    deploy("fast", quiet().consecutiveFailures(1).openTimeout(Duration.ofSeconds(30)).build());
    FuseboxClient failFast = FuseboxClient.create(vertx, new FuseboxClientOptions().setFailFast(true));
    await(failFast.ready());
    AtomicInteger sent = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      if (Addresses.call("fast").equals(ctx.message().address())) {
        sent.incrementAndGet();
      }
      ctx.next();
    });
    upstream.failAll();
    failure(failFast.http("fast").get("/f"));
    awaitTransitionTo("fast", "open");
    latestSnapshot("fast");
    int before = sent.get();
    Throwable t = failure(failFast.http("fast").get("/f"));
    assertThat(t).isInstanceOf(CircuitOpenException.class).hasMessageContaining("fail-fast");
    assertThat(((CircuitOpenException) t).retryAfter()).isGreaterThan(Duration.ofSeconds(25));
    assertThat(sent.get()).as("no message was sent").isEqualTo(before);
    assertThat(failure(client.http("fast").get("/f"))).as("a client without fail-fast still asks")
        .isInstanceOf(CircuitOpenException.class);
    assertThat(sent.get()).isEqualTo(before + 1);
  }
}
