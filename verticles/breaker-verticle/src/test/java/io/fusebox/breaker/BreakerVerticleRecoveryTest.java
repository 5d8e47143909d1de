package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.protocol.TooManyCallsException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Objects;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Half-open probing, recovery and backoff across repeated outages, end to end. */
class BreakerVerticleRecoveryTest extends BreakerTestSupport {

  @Test
  void probesCloseTheBreakerOnceTheUpstreamRecovers() {
    deploy("orders", quiet().consecutiveFailures(2).openTimeout(Duration.ofMillis(300)).successThreshold(2)
        .permittedProbes(1).build());
    upstream.failAll();
    failedGet("orders", "/o");
    failedGet("orders", "/o");
    assertThat(failedGet("orders", "/o")).isInstanceOf(CircuitOpenException.class);
    upstream.healthy();
    awaitTransitionTo("orders", "half_open");
    assertThat(get("orders", "/o").state()).isEqualTo("half_open");
    assertThat(get("orders", "/o").state()).isEqualTo("closed");
    assertThat(transitions).extracting(t -> t.getString("to") + " " + t.getString("reason"))
        .containsExactly("open consecutive_failures 2>=2", "half_open open_timeout_elapsed", "closed probes_succeeded");
  }

  @Test
  void halfOpenRejectsCallsBeyondItsProbePermits() {
    deploy("ledger", quiet().consecutiveFailures(1).openTimeout(Duration.ofMillis(200)).permittedProbes(1).build());
    upstream.failAll();
    failedGet("ledger", "/l");
    upstream.healthy().latency(Duration.ofMillis(500));
    awaitTransitionTo("ledger", "half_open");
    long before = upstream.requests();
    Future<FuseboxReply> probe = client.http("ledger").get("/l");
    Awaitility.await("the probe reaching the upstream").until(() -> upstream.requests() > before);
    Throwable second = failedGet("ledger", "/l");
    assertThat(second).isInstanceOf(TooManyCallsException.class);
    assertThat(((TooManyCallsException) second).error().code()).isEqualTo(ErrorCode.HALF_OPEN_FULL);
    assertThat(await(probe).body().getInteger("status")).isEqualTo(200);
  }

  @Test
  void backoffGrowsAcrossRepeatedOutagesAndResetsOnRecovery() {
    deploy("billing", quiet().consecutiveFailures(1).openTimeout(Duration.ofMillis(200)).backoffMultiplier(2.0)
        .maxOpenTimeout(Duration.ofSeconds(10)).successThreshold(1).build());
    upstream.failAll();
    failedGet("billing", "/b");
    // the snapshot published at the trip: 200 ms later the breaker is half-open and shows the next open's 400
    JsonObject first = Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> snapshots.stream()
        .filter(s -> "billing".equals(s.getString("breaker")) && "open".equals(s.getString("state")))
        .findFirst().orElse(null), Objects::nonNull);
    assertThat(first.getLong("open_timeout_ms")).isEqualTo(200);
    long[] expectedTimeouts = {400, 800};
    for (int reopen = 1; reopen <= expectedTimeouts.length; reopen++) {
      long expected = expectedTimeouts[reopen - 1];
      awaitTransitionsTo("half_open", reopen);
      int seen = snapshots.size();
      failedGet("billing", "/b");
      // published at the reopening itself: the next periodic one may already be half-open again
      Awaitility.await("billing reopened with an open timeout of " + expected + " ms").atMost(Duration.ofSeconds(5))
          .until(() -> snapshots.subList(seen, snapshots.size()).stream().anyMatch(s ->
              "billing".equals(s.getString("breaker")) && "open".equals(s.getString("state"))
                  && s.getLong("open_timeout_ms") == expected));
    }
    assertThat(latestSnapshot("billing").getInteger("backoff_level")).isEqualTo(2);
    upstream.healthy();
    awaitTransitionsTo("half_open", 3);
    get("billing", "/b");
    JsonObject recovered = latestSnapshot("billing");
    assertThat(recovered.getString("state")).isEqualTo("closed");
    assertThat(recovered.getInteger("backoff_level")).isZero();
  }

  private void awaitTransitionsTo(String state, int count) {
    Awaitility.await(count + " transitions to " + state + " (seen: " + transitions + ")").atMost(Duration.ofSeconds(10))
        .until(() -> transitions.stream().filter(t -> state.equals(t.getString("to"))).count() >= count);
  }
}
