package io.fusebox.platform;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.fusebox.config.FuseboxConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.List;

/**
 * Hazelcast for {@code fusebox.cluster}: TCP-IP join on the listed members, no multicast, bound
 * to the configured host only. The Vert.x maps of the default configuration are kept.
 *
 * <p>Membership is tuned for failover: Hazelcast's defaults suspect a silent member only after 60 s.
 * Members send a heartbeat every {@code heartbeat_interval} (1 s) and judge each other with the
 * phi-accrual detector, which tolerates a silence of {@code suspect_after} (5 s) on top of the
 * heartbeats' usual spread: a paused node (a long GC, a frozen VM) comes back a member, and a node
 * that died silently is removed some seconds after. A node killed on a live host is faster to go:
 * its sockets close, the connections to it fail and Hazelcast suspects it at once.
 */
public final class Clustering {

  /** Ports after {@code cluster.port} a member may take when it is taken. */
  private static final int PORT_COUNT = 20;

  private Clustering() {
  }

  /** The Hazelcast member attribute that holds the Fusebox node's name ({@code fusebox.node.name}). */
  static final String NODE_ATTRIBUTE = "fusebox.node";

  public static HazelcastClusterManager manager(FuseboxConfig.Cluster cluster, String nodeName) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName("fusebox");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    // Hazelcast listens on every interface unless told not to
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.heartbeat.failuredetector.type", "phi-accrual");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(seconds(cluster.heartbeatInterval())));
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(seconds(cluster.suspectAfter())));
    hz.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, nodeName);
    // after a partition heals, the sides look for each other every 10 s (Hazelcast waits 5 minutes,
    // then 2): until they merge, each side's breakers judge without the other's
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(PORT_COUNT);
    if (cluster.host().matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      // Hazelcast matches interfaces by address; a host name (a container's) binds as resolved
      network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = cluster.members().isEmpty() ? List.of(cluster.host()) : cluster.members();
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(members);
    return new HazelcastClusterManager(hz);
  }

  private static long seconds(Duration duration) {
    return Math.max(1, Math.round(duration.toMillis() / 1000.0));
  }

  /**
   * A Vert.x that joins the cluster as a member of its own, as an application beside the nodes does
   * (a {@code FuseboxClient} in it calls their breakers): the event bus of a node, and
   * {@code options}' other settings.
   */
  public static Future<Vertx> join(VertxOptions options, FuseboxConfig.Cluster cluster,
      HazelcastClusterManager manager) {
    return Vertx.builder().with(options.setEventBusOptions(eventBus(cluster))).withClusterManager(manager)
        .buildClustered();
  }

  /**
   * The event bus between nodes, on the cluster host, on any free port. What a node sends to a node
   * it cannot reach waits while it connects, at most {@code suspect_after}, after which that node
   * is as good as gone; Vert.x's default, 60 s, delivered states and admin actions a minute old
   * to the far side of a healed partition.
   */
  public static EventBusOptions eventBus(FuseboxConfig.Cluster cluster) {
    return new EventBusOptions().setHost(cluster.host()).setPort(0).setClusterPublicHost(cluster.host())
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, cluster.suspectAfter().toMillis()));
  }
}
