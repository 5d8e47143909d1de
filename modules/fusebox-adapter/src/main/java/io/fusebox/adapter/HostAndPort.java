package io.fusebox.adapter;

/**
 * One member of a dependency, as its configuration names it ({@code host:port}, the port after the
 * last colon) and as snapshots label it.
 */
public record HostAndPort(String host, int port) {

  /**
   * @throws IllegalArgumentException for anything but {@code host:port}; the config's validation
   *     refuses such a member before an adapter sees it
   */
  public static HostAndPort parse(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("a member must be host:port, got '" + hostAndPort + "'");
    }
    return new HostAndPort(hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
  }

  /** The member's label in snapshots: {@code host:port}. */
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
