package io.fusebox.protocol;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * A node's answer to a reader of snapshots that just started (a board, a client's state mirror,
 * on any node) and asks for every instance's: the node tells each of its breakers, which publishes
 * its snapshot at once. A quiet breaker otherwise sends it only every
 * {@link SnapshotBoard#QUIET_EVERY} intervals, and a node joining a cluster would list the
 * instances of the others only seconds after it is up.
 *
 * <p>One clustered consumer a node, not one a breaker (each is a write to the cluster's registry);
 * the breakers listen on a local address. The answer waits {@link #GATHER_MILLIS}: the readers of a
 * starting node ask within moments of each other, and are answered once; and the asker's
 * subscription, registered before it asked, has reached every node by then.
 */
public final class SnapshotDemand {

  /** How long a node gathers asks before its breakers answer them all. */
  private static final long GATHER_MILLIS = 100;

  private final Vertx vertx;
  private final MessageConsumer<Object> consumer;
  private boolean gathering;

  private SnapshotDemand(Vertx vertx) {
    this.vertx = vertx;
    this.consumer = vertx.eventBus().consumer(Addresses.SNAPSHOTS_WANTED, m -> gather());
  }

  /** Answers the asks that reach this node from now on, on the caller's event loop. */
  public static SnapshotDemand listen(Vertx vertx) {
    return new SnapshotDemand(vertx);
  }

  public Future<Void> ready() {
    return consumer.completion();
  }

  private void gather() {
    if (!gathering) {
      gathering = true;
      vertx.setTimer(GATHER_MILLIS, id -> {
        gathering = false;
        vertx.eventBus().publish(Addresses.SNAPSHOTS_WANTED_HERE, null, new DeliveryOptions().setLocalOnly(true));
      });
    }
  }

  /** Asks every breaker in the cluster for its snapshot now. */
  public static void ask(Vertx vertx) {
    vertx.eventBus().publish(Addresses.SNAPSHOTS_WANTED, null);
  }
}
