package io.fusebox.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerState;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SnapshotBoardTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private final Context context = vertx.getOrCreateContext();

  /** The board lives on one event loop, so the test reads it there too. */
  private <T> T onLoop(Supplier<T> read) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> result.complete(read.get()));
    return result.future().await();
  }

  private SnapshotBoard onContext(Duration interval) {
    SnapshotBoard board = onLoop(() -> new SnapshotBoard(vertx, interval));
    board.ready().await();
    return board;
  }

  private void publish(String breaker, String node) {
    vertx.eventBus().publish(Addresses.SNAPSHOTS, Snapshots.of(breaker, node, BreakerState.CLOSED, 0, false).toJson());
  }

  private static List<String> instances(List<JsonObject> snapshots) {
    return snapshots.stream().map(s -> s.getString("breaker") + "@" + s.getString("node")).toList();
  }

  @Test
  void keepsTheLatestOfEachInstanceSortedByBreakerThenNode() {
    SnapshotBoard board = onContext(Duration.ofSeconds(10));
    publish("pay", "n2");
    publish("pay", "n1");
    publish("catalog", "n1");
    publish("pay", "n1");
    Awaitility.await().until(() -> onLoop(board::all).size() == 3);
    assertThat(instances(onLoop(board::all))).containsExactly("catalog@n1", "pay@n1", "pay@n2");
    assertThat(instances(onLoop(() -> board.of("pay")))).containsExactly("pay@n1", "pay@n2");
    assertThat(onLoop(() -> board.onNode("n1"))).isEqualTo(2);
    assertThat(onLoop(() -> board.of("nope"))).isEmpty();
  }

  @Test
  void breakersStartedAtAnyTimeTickAtTheSameInstantsOfTheWallClock() {
    for (long deployedAt : new long[] {1_764_650_000_000L, 1_764_650_000_001L, 1_764_650_000_999L, 1_764_650_003_456L}) {
      long first = SnapshotBoard.millisToNextTick(1000, deployedAt);
      assertThat(first).isBetween(1L, 1000L);
      assertThat((deployedAt + first) % 1000).isZero();
    }
    assertThat(SnapshotBoard.millisToNextTick(250, 1_000_010L)).isEqualTo(240);
  }

  @Test
  void anInstanceNotHeardFromForFourIntervalsDropsOut() {
    SnapshotBoard board = onContext(Duration.ofMillis(100));
    assertThat(SnapshotBoard.staleAfterMillis(Duration.ofMillis(100))).isEqualTo(400);
    publish("pay", "dead");
    Awaitility.await().until(() -> onLoop(board::all).size() == 1);
    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> onLoop(board::all).isEmpty());
  }

  @Test
  void aSnapshotUnderTheSequenceNumberItHoldsOnlyKeepsTheInstanceAlive() {
    SnapshotBoard board = onContext(Duration.ofMillis(100));
    JsonObject closed = Snapshots.of("pay", "n1", BreakerState.CLOSED, 0, false).toJson();
    JsonObject open = Snapshots.of("pay", "n1", BreakerState.OPEN, 0, false).toJson();
    DeliveryOptions first = new DeliveryOptions().addHeader(SnapshotBoard.SEQUENCE_HEADER, "7");
    vertx.eventBus().publish(Addresses.SNAPSHOTS, closed, first);
    Awaitility.await().until(() -> onLoop(board::all).size() == 1);
    // a body the board does not read again: the number says it is the one it holds
    long signsOfLife = vertx.setPeriodic(100, id -> vertx.eventBus().publish(Addresses.SNAPSHOTS, open, first));
    Awaitility.await("alive past four intervals, as first read").during(Duration.ofMillis(800))
        .atMost(Duration.ofSeconds(3)).until(() -> onLoop(board::all).stream().map(j -> j.getString("state")).toList()
            .equals(List.of("closed")));
    vertx.cancelTimer(signsOfLife);
    vertx.eventBus().publish(Addresses.SNAPSHOTS, open,
        new DeliveryOptions().addHeader(SnapshotBoard.SEQUENCE_HEADER, "8"));
    Awaitility.await("a new number is read").until(() -> onLoop(board::all).stream()
        .anyMatch(j -> "open".equals(j.getString("state"))));
    vertx.eventBus().publish(Addresses.SNAPSHOTS, closed);
    Awaitility.await("no number, read as ever").until(() -> onLoop(board::all).stream()
        .anyMatch(j -> "closed".equals(j.getString("state"))));
    assertThat(onLoop(board::all)).hasSize(1);
  }

  @Test
  void aMessageItCannotReadIsLeftOutAndTheRestStillShown() {
    SnapshotBoard board = onContext(Duration.ofSeconds(10));
    vertx.eventBus().publish(Addresses.SNAPSHOTS, new JsonObject().put("breaker", "half").put("node", "n1"));
    publish("pay", "n1");
    Awaitility.await().until(() -> onLoop(board::all).size() == 1);
    assertThat(instances(onLoop(board::all))).containsExactly("pay@n1");
  }
}
