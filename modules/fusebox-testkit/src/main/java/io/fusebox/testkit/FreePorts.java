package io.fusebox.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for servers a test starts later, in this JVM or in a launched one.
 *
 * <p>A port asked of the kernel ({@code new ServerSocket(0)}) comes from its ephemeral range, the
 * same range every outgoing connection takes its local port from: between the test picking it and
 * the node binding it, a cluster member's connection may take it (seen in CI: "port 38585 is
 * already taken"). Ports below that range are never handed out implicitly, so only a server that
 * asks for one by number can collide; each JVM starts at a random place and never gives a port twice.
 */
public final class FreePorts {

  private static final int LOWEST = 20_000;
  private static final int HIGHEST = ephemeralRangeStart() - 1;
  private static final AtomicInteger NEXT = new AtomicInteger(
      LOWEST + ThreadLocalRandom.current().nextInt(Math.max(1, HIGHEST - LOWEST - 1_000)));

  private FreePorts() {
  }

  /** A port nothing listens on now and that no other caller in this JVM got. */
  public static int next() {
    return block(1);
  }

  /** The first of {@code count} consecutive free ports (a Hazelcast member list counts up from one). */
  public static synchronized int block(int count) {
    for (int tries = 0; tries < HIGHEST - LOWEST; tries++) {
      int first = NEXT.getAndAdd(count);
      if (first + count - 1 > HIGHEST) {
        NEXT.set(LOWEST);
        continue;
      }
      if (allFree(first, count)) {
        return first;
      }
    }
    throw new IllegalStateException("no " + count + " free ports between " + LOWEST + " and " + HIGHEST);
  }

  private static boolean allFree(int first, int count) {
    for (int port = first; port < first + count; port++) {
      if (!free(port)) {
        return false;
      }
    }
    return true;
  }

  private static boolean free(int port) {
    // the wildcard address: a server on any address of this machine holds the port
    try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  private static int ephemeralRangeStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      return Math.max(LOWEST + 2_000, Integer.parseInt(range.split("\\s+")[0]));
    } catch (IOException | RuntimeException notLinux) {
      return 32_768;
    }
  }
}
