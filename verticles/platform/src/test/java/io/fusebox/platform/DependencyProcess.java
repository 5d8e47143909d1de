package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.testkit.FreePorts;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A dependency running in a process of its own on a loopback port, so that a test can pause it with
 * SIGSTOP as a frozen VM, a long GC or a throttled container would, and resume it with SIGCONT.
 */
final class DependencyProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;
  private final int port;

  private DependencyProcess(String name, Process process, Path log, int port) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The demo's HTTP server in a JVM of its own, answering after {@code latencyMillis}. */
  static DependencyProcess httpServer(long latencyMillis) throws IOException {
    int port = FreePorts.next();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return start("HTTP server", port, List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        FlakyHttpServer.class.getName(), Integer.toString(port), Long.toString(latencyMillis)));
  }

  /** A Redis of this test's own (the machine's shared one must not be paused): no persistence. */
  static DependencyProcess redisServer() throws IOException {
    int port = FreePorts.next();
    return start("redis-server", port, List.of("redis-server", "--bind", "127.0.0.1", "--port", Integer.toString(port),
        "--save", "", "--appendonly", "no"));
  }

  private static DependencyProcess start(String name, int port, List<String> command) throws IOException {
    Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "dependency", ".log");
    Process process;
    try {
      process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IOException(name + " could not be started (" + command.get(0) + " on the PATH? apt-get install "
          + "redis-server for Redis): " + e.getMessage(), e);
    }
    DependencyProcess dependency = new DependencyProcess(name, process, log, port);
    Awaitility.await(name + " listening on " + port).atMost(Duration.ofSeconds(30))
        .until(() -> dependency.listening() || !process.isAlive());
    assertThat(process.isAlive()).as(name + " is running; its output: " + dependency.output()).isTrue();
    return dependency;
  }

  int port() {
    return port;
  }

  void pause() throws Exception {
    Signals.send(process.pid(), "STOP");
  }

  void resume() throws Exception {
    Signals.send(process.pid(), "CONT");
  }

  private boolean listening() {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private String output() throws IOException {
    return Files.readString(log);
  }

  /** Resumed first: a stopped process does not act on SIGTERM. */
  @Override
  public void close() throws Exception {
    resume();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    return name + " on " + port;
  }
}
