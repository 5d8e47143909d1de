package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

/** POSIX signals to a process of a test's own, through {@code kill}. */
final class Signals {

  private Signals() {
  }

  /** @param name the signal without its SIG prefix: STOP, CONT, HUP */
  static void send(long pid, String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -" + name + " " + pid).isZero();
  }
}
