package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.core.Transition;
import io.fusebox.core.TransitionCause;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.PublishedSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cluster hold alone, on a real event loop, fed the snapshots its peers would publish. */
class ClusterHoldTest {

  private final Vertx vertx = Vertx.vertx();
  private final OnEventLoop loop = new OnEventLoop(vertx);
  private final List<Transition> transitions = new CopyOnWriteArrayList<>();
  private CircuitBreaker breaker;
  private ClusterHold hold;

  @AfterEach
  void close() {
    BreakerTestSupport.await(vertx.close());
  }

  private void start(String self) {
    loop.run(() -> {
      breaker = new CircuitBreaker("shared", BreakerTestSupport.quiet().consecutiveFailures(1).build(), CoarseClock.shared());
      hold = new ClusterHold(vertx, "shared", self, breaker, new FuseboxConfig.Verdict(2, 0.0), 60_000);
      breaker.addListener(t -> {
        transitions.add(t);
        hold.onTransition(t);
      });
    });
    BreakerTestSupport.await(loop.call(() -> hold.listen()));
  }

  private void peerReports(String node, String verdict) {
    BreakerSnapshot peer = new BreakerSnapshot("shared", BreakerState.CLOSED, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0);
    vertx.eventBus().publish(Addresses.SNAPSHOTS, new PublishedSnapshot(peer, node, PublishedSnapshot.VERTICLE, "http",
        new PublishedSnapshot.Fallback(true, List.of(), Map.of(), 0), new PublishedSnapshot.Thresholds(0.5, null, 10),
        verdict).toJson());
  }

  private BreakerState state() {
    return loop.call(() -> breaker.state());
  }

  @Test
  void aQuorumOfPeersOpensThisInstanceWithoutMakingItsOwnVerdictOpen() {
    start("n1");
    peerReports("n2", "open");
    Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> state() == BreakerState.CLOSED);
    peerReports("n3", "open");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state() == BreakerState.OPEN);
    assertThat(transitions).singleElement().satisfies(t -> {
      assertThat(t.cause()).isEqualTo(TransitionCause.REQUESTED);
      assertThat(t.reason()).isEqualTo("quorum 2/3 open");
    });
    assertThat(loop.call(() -> hold.verdict())).as("opened by the cluster, not by its own detectors").isEqualTo("closed");
    assertThat(loop.call(() -> hold.held())).as("n1 has the lowest name: it probes").isFalse();
  }

  @Test
  void anInstanceThatIsNotTheProberIsHeldOpenUntilTheProberClosesIt() {
    start("n2");
    loop.run(() -> breaker.onFailure(breaker.tryAcquire(), 1_000_000));
    assertThat(loop.call(() -> hold.verdict())).isEqualTo("open");
    peerReports("n1", "open");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> loop.call(() -> hold.held()));
    assertThat(loop.call(() -> hold.holdsOpen())).isTrue();
    vertx.eventBus().publish(Addresses.VERDICT_PREFIX + "shared", new JsonObject().put("closed_by", "n1"));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state() == BreakerState.CLOSED);
    assertThat(transitions.get(transitions.size() - 1).reason()).isEqualTo("quorum_closed");
    assertThat(loop.call(() -> hold.held())).isFalse();
  }

  @Test
  void withoutARuleItHoldsNothingAndListensToNothing() {
    loop.run(() -> {
      breaker = new CircuitBreaker("alone", BreakerTestSupport.quiet().build(), CoarseClock.shared());
      hold = new ClusterHold(vertx, "alone", "n1", breaker, null, 60_000);
    });
    BreakerTestSupport.await(loop.call(() -> hold.listen()));
    assertThat(loop.call(() -> hold.listening())).isFalse();
    assertThat(loop.call(() -> hold.verdict())).isNull();
    loop.run(() -> hold.judge());
    assertThat(loop.call(() -> hold.held())).isFalse();
  }

  @Test
  void aReloadSetsChangesAndDropsTheRuleInPlace() {
    loop.run(() -> {
      breaker = new CircuitBreaker("shared", BreakerTestSupport.quiet().build(), CoarseClock.shared());
      hold = new ClusterHold(vertx, "shared", "n1", breaker, null, 60_000);
      breaker.addListener(t -> {
        transitions.add(t);
        hold.onTransition(t);
      });
    });
    BreakerTestSupport.await(loop.call(() -> hold.listen()));
    BreakerTestSupport.await(loop.call(() -> hold.reconfigure(new FuseboxConfig.Verdict(3, 0.0))));
    assertThat(loop.call(() -> hold.listening())).isTrue();
    assertThat(loop.call(() -> hold.verdict())).as("a rule now: this instance's verdict").isEqualTo("closed");
    peerReports("n2", "open");
    peerReports("n3", "open");
    Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> state() == BreakerState.CLOSED);

    // a quorum of 2 is reached by the two peers heard under the rule before
    BreakerTestSupport.await(loop.call(() -> hold.reconfigure(new FuseboxConfig.Verdict(2, 0.0))));
    peerReports("n2", "open");
    peerReports("n3", "open");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> state() == BreakerState.OPEN);

    BreakerTestSupport.await(loop.call(() -> hold.reconfigure(null)));
    assertThat(loop.call(() -> hold.listening())).isFalse();
    assertThat(loop.call(() -> hold.verdict())).isNull();
    assertThat(loop.call(() -> hold.held())).isFalse();
  }
}
