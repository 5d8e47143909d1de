package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.CallTimeoutException;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.protocol.Headers;
import io.fusebox.protocol.TooManyCallsException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** One slow dependency cannot pile up unbounded work behind its breaker. */
class BulkheadTest extends BreakerTestSupport {

  @Test
  void callsBeyondTheInFlightLimitWaitAndBeyondTheQueueAreRefused() {
    deploy("reports", quiet().maxConcurrentCalls(2).maxWaitQueue(1).build());
    upstream.latency(Duration.ofMillis(400));
    List<Future<FuseboxReply>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(client.http("reports").get("/r" + i));
    }
    Awaitility.await("two calls running").until(() -> upstream.requests() == 2);
    Throwable refused = failedGet("reports", "/r3");
    assertThat(refused).isInstanceOf(TooManyCallsException.class);
    assertThat(((TooManyCallsException) refused).error().code()).isEqualTo(ErrorCode.BULKHEAD_FULL);
    for (Future<FuseboxReply> call : calls) {
      assertThat(await(call).body().getInteger("status")).as("the queued call ran once a slot was free").isEqualTo(200);
    }
    assertThat(upstream.requests()).isEqualTo(3);
    assertThat(latestSnapshot("reports").getJsonObject("calls").getLong("rejected")).isEqualTo(1);
  }

  @Test
  void aQueuedCallsWaitCountsAgainstItsDeadline() {
    deploy("exports", quiet().maxConcurrentCalls(1).maxWaitQueue(5).callTimeout(Duration.ofMillis(300)).build());
    upstream.hang();
    Future<FuseboxReply> running = client.http("exports").get("/e1");
    Awaitility.await("the first call running").until(() -> upstream.requests() == 1);
    long start = System.nanoTime();
    Throwable queued = failure(client.call("exports", new JsonObject().put("path", "/e2"),
        new DeliveryOptions().addHeader(Headers.TIMEOUT_MS, "100")));
    assertThat(queued).isInstanceOf(CallTimeoutException.class).hasMessageContaining("waiting for a bulkhead slot");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));
    assertThat(failure(running)).isInstanceOf(CallTimeoutException.class);
    assertThat(upstream.requests()).as("the queued call never reached the upstream").isEqualTo(1);
  }

  @Test
  void aQueuedCallWithLessThanATenthOfItsDeadlineLeftIsAnsweredNotSentWhenASlotFrees() {
    deploy("imports", quiet().maxConcurrentCalls(1).maxWaitQueue(5).build());
    upstream.hang();
    // sent back to back: the first holds the slot until its deadline, when the second has about
    // 20 ms of its 1,020 left, too little to give the dependency
    Future<FuseboxReply> running = client.call("imports", new JsonObject().put("path", "/i1"),
        new DeliveryOptions().addHeader(Headers.TIMEOUT_MS, "1000"));
    Future<FuseboxReply> queued = client.call("imports", new JsonObject().put("path", "/i2"),
        new DeliveryOptions().addHeader(Headers.TIMEOUT_MS, "1020"));

    assertThat(failure(running)).isInstanceOf(CallTimeoutException.class);
    assertThat(failure(queued)).isInstanceOf(CallTimeoutException.class).hasMessageContaining("bulkhead slot");
    assertThat(upstream.requests()).as("the queued call never reached the upstream").isEqualTo(1);
  }
}
