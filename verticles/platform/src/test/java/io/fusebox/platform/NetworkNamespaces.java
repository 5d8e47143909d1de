package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Nodes on a network of their own, so that it can be cut: each node runs in a Linux network
 * namespace with two interfaces, one on the cluster's network (10.77.0.N, a bridge that can be
 * split in two) and one on a management network (10.78.0.N, which this JVM reaches and which is
 * never cut, so the test can watch both sides of a partition). Cutting moves nodes' cluster
 * interfaces to a second bridge: packets between the sides are simply not delivered, as when a
 * switch fails. Needs root (CI runs as root) and {@code ip} from iproute2.
 */
final class NetworkNamespaces implements AutoCloseable {

  private static final String PREFIX = "fbp";
  private static final String CLUSTER_BRIDGE = PREFIX + "-c";
  private static final String CUT_BRIDGE = PREFIX + "-x";
  private static final String MANAGEMENT_BRIDGE = PREFIX + "-m";

  private final int nodes;

  private NetworkNamespaces(int nodes) {
    this.nodes = nodes;
  }

  /**
   * Namespaces {@code fbp1} ... {@code fbpN}; whatever an earlier run left is removed first. Close
   * it after the processes in it have ended.
   */
  static NetworkNamespaces create(int nodes) throws Exception {
    NetworkNamespaces net = new NetworkNamespaces(nodes);
    net.remove();
    String probe = ip(false, "netns", "add", PREFIX + "-probe");
    if (!probe.isEmpty()) {
      throw new AssertionError("PartitionIT cuts a cluster's network with Linux network namespaces, which needs"
          + " root and iproute2 ('ip netns add' said: " + probe.trim() + "); run the tests as root, as .ci/run does");
    }
    ip(true, "netns", "del", PREFIX + "-probe");
    for (String bridge : List.of(CLUSTER_BRIDGE, CUT_BRIDGE, MANAGEMENT_BRIDGE)) {
      ip(true, "link", "add", bridge, "type", "bridge");
      ip(true, "link", "set", bridge, "up");
    }
    ip(true, "addr", "add", "10.78.0.254/24", "dev", MANAGEMENT_BRIDGE);
    for (int n = 1; n <= nodes; n++) {
      String ns = namespace(n);
      ip(true, "netns", "add", ns);
      ip(true, "-n", ns, "link", "set", "lo", "up");
      attach(ns, PREFIX + "c" + n, CLUSTER_BRIDGE, clusterAddress(n));
      attach(ns, PREFIX + "m" + n, MANAGEMENT_BRIDGE, managementAddress(n));
    }
    return net;
  }

  private static void attach(String ns, String outside, String bridge, String address) throws Exception {
    String inside = outside + "i";
    ip(true, "link", "add", outside, "type", "veth", "peer", "name", inside, "netns", ns);
    ip(true, "link", "set", outside, "master", bridge, "up");
    ip(true, "-n", ns, "addr", "add", address + "/24", "dev", inside);
    ip(true, "-n", ns, "link", "set", inside, "up");
  }

  static String namespace(int node) {
    return PREFIX + node;
  }

  static String clusterAddress(int node) {
    return "10.77.0." + node;
  }

  static String managementAddress(int node) {
    return "10.78.0." + node;
  }

  /** Cuts these nodes off from the others: they still reach each other. */
  void cut(int... side) throws Exception {
    for (int n : side) {
      ip(true, "link", "set", PREFIX + "c" + n, "master", CUT_BRIDGE);
    }
  }

  /** Every node on one network again. */
  void heal() throws Exception {
    for (int n = 1; n <= nodes; n++) {
      ip(true, "link", "set", PREFIX + "c" + n, "master", CLUSTER_BRIDGE);
    }
  }

  private void remove() throws Exception {
    for (int n = 1; n <= 9; n++) {
      // the kernel frees a namespace's interfaces when it gets to it; deleting this side of each pair is at once
      ip(false, "link", "del", PREFIX + "c" + n);
      ip(false, "link", "del", PREFIX + "m" + n);
      ip(false, "netns", "del", namespace(n));
    }
    for (String bridge : List.of(CLUSTER_BRIDGE, CUT_BRIDGE, MANAGEMENT_BRIDGE)) {
      ip(false, "link", "del", bridge);
    }
  }

  @Override
  public void close() throws Exception {
    remove();
  }

  /** Runs {@code ip}; its error output, or "" when it succeeded. */
  private static String ip(boolean mustSucceed, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException noIp) {
      throw new AssertionError("PartitionIT needs 'ip' from iproute2 (apt-get install iproute2)", noIp);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    if (process.exitValue() == 0) {
      return "";
    }
    if (mustSucceed) {
      throw new AssertionError(String.join(" ", command) + " failed: " + output);
    }
    return output.isEmpty() ? "exit " + process.exitValue() : output;
  }
}
