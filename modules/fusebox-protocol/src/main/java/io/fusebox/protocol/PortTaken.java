package io.fusebox.protocol;

import java.net.BindException;

/** Says which port a server could not have and who wanted it, instead of a bare "Address already in use". */
public final class PortTaken {

  private PortTaken() {
  }

  /**
   * @param wanter who wanted the port and the key that sets it, e.g. {@code the dashboard (fusebox.http.port)}
   * @return the failure to report: a clearer one when the port was taken, else {@code failure} itself
   */
  public static Throwable explain(Throwable failure, String wanter, String host, int port) {
    if (failure instanceof BindException || String.valueOf(failure.getMessage()).contains("Address already in use")) {
      return new IllegalStateException("port " + port + " on " + host + " is already taken; " + wanter
          + " wanted it: stop what holds it or choose another port", failure);
    }
    return failure;
  }
}
