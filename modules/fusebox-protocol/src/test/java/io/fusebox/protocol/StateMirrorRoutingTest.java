package io.fusebox.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerState;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which instance of a breaker the mirror chooses for a call, and how a node's departure changes it. */
class StateMirrorRoutingTest {

  private final Vertx vertx = Vertx.vertx();
  private final StateMirror mirror = new StateMirror(vertx, 5_000);

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private void publish(String node, BreakerState state, String kind) {
    PublishedSnapshot verticle = Snapshots.of("pay", node, state, 0, false);
    PublishedSnapshot snapshot = new PublishedSnapshot(verticle.core(), node, kind, verticle.dependency(),
        verticle.fallback(), verticle.thresholds(), null);
    vertx.eventBus().publish(Addresses.SNAPSHOTS, snapshot.toJson());
  }

  private Set<String> chosenIn(int turns) {
    Set<String> chosen = new HashSet<>();
    IntStream.range(0, turns).forEach(turn -> chosen.add(mirror.instanceFor("pay", turn)));
    return chosen;
  }

  @Test
  void callsGoToEachVerticleInstanceInTurnAndNeverToAnInProcessBreaker() {
    mirror.ready().await();
    assertThat(mirror.instanceFor("pay", 0)).as("no instance heard").isNull();
    publish("n1", BreakerState.CLOSED, PublishedSnapshot.VERTICLE);
    publish("n2", BreakerState.OPEN, PublishedSnapshot.VERTICLE);
    publish("app", BreakerState.CLOSED, PublishedSnapshot.IN_PROCESS);
    Awaitility.await().until(() -> chosenIn(4).equals(Set.of("n1", "n2")));
    assertThat(mirror.instanceFor("pay", 0)).isNotEqualTo(mirror.instanceFor("pay", 1));
  }

  @Test
  void aNodeThatLeftIsChosenNoMoreUntilItReportsAgainAfterAGrace() {
    mirror.ready().await();
    publish("n1", BreakerState.CLOSED, PublishedSnapshot.VERTICLE);
    publish("n2", BreakerState.CLOSED, PublishedSnapshot.VERTICLE);
    Awaitility.await().until(() -> chosenIn(4).equals(Set.of("n1", "n2")));

    mirror.nodeLeft("n2");
    assertThat(mirror.hasLeft("n2")).isTrue();
    assertThat(chosenIn(8)).containsExactly("n1");
    // a snapshot the dead node sent before it died, arriving late, is not believed
    publish("n2", BreakerState.CLOSED, PublishedSnapshot.VERTICLE);
    publish("n1", BreakerState.OPEN, PublishedSnapshot.VERTICLE);
    Awaitility.await().until(() -> mirror.state("pay") == BreakerState.OPEN);
    assertThat(chosenIn(8)).containsExactly("n1");

    // a node restarted under the same name reports again and takes calls
    long reporting = vertx.setPeriodic(100, id -> publish("n2", BreakerState.CLOSED, PublishedSnapshot.VERTICLE));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> chosenIn(4).equals(Set.of("n1", "n2")));
    vertx.cancelTimer(reporting);
    assertThat(mirror.hasLeft("n2")).isFalse();
  }
}
