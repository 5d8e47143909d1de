package io.fusebox.platform;

import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a partition heals, makes every node look again at who listens where this node does.
 *
 * <p>Each Vert.x node keeps a cache of the cluster's consumers per address, updated by the events
 * of Hazelcast's map of them. When two sides merge, Hazelcast merges that map without such events,
 * and vertx-hazelcast (5.0.7) puts this node's consumers back into it, which fires none either
 * where the merge already restored them: a node whose cache was read in between keeps missing
 * this node's consumer of the address for good. An admin action published through it skipped this
 * node's breakers (seen once in five runs of {@code PartitionIT}). So once the merge has settled,
 * this node adds a marker to each of its addresses and removes it: two events every node hears,
 * after which each reads that address's consumers again. The marker names this node, so a message
 * routed by it in between reaches this node's own consumers of the address, as any other would.
 */
final class MergedRegistrations implements LifecycleListener {

  private static final Logger LOG = LoggerFactory.getLogger(MergedRegistrations.class);
  /** The map of vertx-hazelcast that holds every node's consumers. */
  static final String SUBSCRIPTIONS = "__vertx.subs";
  /** How long after the merge the sides have put their consumers back. */
  static final long SETTLE_MILLIS = 3_000;
  /** Vert.x numbers a node's consumers from 0 up; markers count up from the lowest long, never meeting them. */
  private static final AtomicLong MARKERS = new AtomicLong(Long.MIN_VALUE);

  private final Vertx vertx;
  private final HazelcastClusterManager manager;

  MergedRegistrations(Vertx vertx, HazelcastClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
  }

  static void watch(Vertx vertx, HazelcastClusterManager manager) {
    manager.getHazelcastInstance().getLifecycleService().addLifecycleListener(new MergedRegistrations(vertx, manager));
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
      vertx.setTimer(SETTLE_MILLIS, id -> vertx.executeBlocking(this::announceAgain, false)
          .onSuccess(addresses -> LOG.info("after the merge, every node was told again of this node's consumers"
              + " of {} address(es)", addresses))
          .onFailure(e -> LOG.warn("after the merge, could not tell the nodes again of this node's consumers: {}",
              e.toString())));
    }
  }

  /** Runs on a worker: the map's calls block. */
  int announceAgain() {
    MultiMap<String, HazelcastRegistrationInfo> subscriptions = manager.getHazelcastInstance().getMultiMap(SUBSCRIPTIONS);
    String self = manager.getNodeId();
    Set<String> own = new LinkedHashSet<>();
    for (Map.Entry<String, HazelcastRegistrationInfo> entry : subscriptions.entrySet()) {
      if (self.equals(entry.getValue().unwrap().nodeId())) {
        own.add(entry.getKey());
      }
    }
    for (String address : own) {
      HazelcastRegistrationInfo marker = new HazelcastRegistrationInfo(
          new RegistrationInfo(self, MARKERS.getAndIncrement(), false));
      subscriptions.put(address, marker);
      subscriptions.remove(address, marker);
    }
    return own.size();
  }
}
