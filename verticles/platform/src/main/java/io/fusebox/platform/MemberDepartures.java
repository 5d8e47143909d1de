package io.fusebox.platform;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.fusebox.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the cluster's callers that a node left, as soon as Hazelcast removes it: each node that
 * stays publishes {@code {"event": "node_left", "node", "at"}} on {@code fusebox.members}, where
 * every {@code InstanceRouter} (in a {@code FuseboxClient} or the bridge) answers the calls that
 * node held. Vert.x's own node listener is taken (the cluster manager has one), so this listens
 * to Hazelcast beside it.
 */
final class MemberDepartures implements MembershipListener {

  private static final Logger LOG = LoggerFactory.getLogger(MemberDepartures.class);

  private final Vertx vertx;

  private MemberDepartures(Vertx vertx) {
    this.vertx = vertx;
  }

  static void announce(Vertx vertx, HazelcastClusterManager manager) {
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MemberDepartures(vertx));
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    // a node that joins is heard from by its first snapshots
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    String node = event.getMember().getAttribute(Clustering.NODE_ATTRIBUTE);
    if (node == null) {
      return; // a member that is no Fusebox node (an application's own Vert.x) holds no breaker
    }
    LOG.warn("node {} left the cluster; calls it held are answered 503 node_left", node);
    vertx.eventBus().publish(Addresses.MEMBERS, new JsonObject()
        .put("event", "node_left").put("node", node).put("at", System.currentTimeMillis()));
  }
}
