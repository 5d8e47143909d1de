package io.fusebox.platform;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.fusebox.config.FuseboxConfig;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * Hazelcast for {@code fusebox.cluster}: TCP-IP join on the listed members, no multicast, bound
 * to the configured host only. The Vert.x maps of the default configuration are kept.
 */
final class Clustering {

  /** Ports after {@code cluster.port} a member may take when it is taken. */
  private static final int PORT_COUNT = 20;

  private Clustering() {
  }

  static HazelcastClusterManager manager(FuseboxConfig.Cluster cluster) {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName("fusebox");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    // Hazelcast listens on every interface unless told not to
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "0");
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

  /** The event bus between nodes, on the cluster host, on any free port. */
  static EventBusOptions eventBus(FuseboxConfig.Cluster cluster) {
    return new EventBusOptions().setHost(cluster.host()).setPort(0).setClusterPublicHost(cluster.host());
  }
}
