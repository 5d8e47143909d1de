package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** The {@code fusebox} fat jar running in a JVM of its own, with its output in a file. */
final class LaunchedNode implements AutoCloseable {

  static final Path JAR = Path.of(System.getProperty("fusebox.jar", "target/fusebox.jar"));

  private final Process process;
  private final Path log;

  private LaunchedNode(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static LaunchedNode start(Path workDir, String... args) throws IOException {
    return start(workDir, Map.of(), args);
  }

  /** @param env extra environment, e.g. {@code FUSEBOX__FUSEBOX__HTTP__PORT} to move a port */
  static LaunchedNode start(Path workDir, Map<String, String> env, String... args) throws IOException {
    return start(List.of(), workDir, env, args);
  }

  /** In a Linux network namespace of {@link NetworkNamespaces} ({@code ip netns exec}, which execs: same pid). */
  static LaunchedNode startIn(String namespace, Path workDir, Map<String, String> env, String... args)
      throws IOException {
    return start(List.of("ip", "netns", "exec", namespace), workDir, env, args);
  }

  private static LaunchedNode start(List<String> prefix, Path workDir, Map<String, String> env, String... args)
      throws IOException {
    assertThat(JAR).as("the fat jar; build it with mvn package").exists();
    Path log = Files.createTempFile(Path.of("target").toAbsolutePath(), "fusebox-node", ".log");
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(javaBin(), "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    Process process = builder.start();
    return new LaunchedNode(process, log);
  }

  /** Runs the jar to completion and returns its exit code and output. */
  static Result run(Path workDir, String... args) throws Exception {
    try (LaunchedNode node = start(workDir, args)) {
      assertThat(node.process.waitFor(60, TimeUnit.SECONDS)).as("fusebox " + String.join(" ", args) + " ended").isTrue();
      return new Result(node.process.exitValue(), node.output());
    }
  }

  record Result(int exitCode, String output) {
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** Waits until the output holds the text; fails with the whole output if it never does. */
  void awaitOutput(String text, Duration timeout) throws Exception {
    try {
      Awaitility.await().atMost(timeout).until(() -> output().contains(text) || !process.isAlive());
    } catch (ConditionTimeoutException e) {
      // reported below, with the whole output
    }
    if (!output().contains(text)) {
      throw new AssertionError("no '" + text + "' in the node's output within " + timeout
          + (process.isAlive() ? "" : " (the node exited)") + ":\n" + output());
    }
  }

  /**
   * Waits until the output holds the text and returns when the node logged it, in milliseconds
   * since the epoch, read from the line's {@code HH:mm:ss.SSS} (the node's clock is this one).
   */
  long awaitOutputAt(String text, Duration timeout) throws Exception {
    awaitOutput(text, timeout);
    String line = output().lines().filter(l -> l.contains(text)).findFirst().orElseThrow();
    LocalTime logged = LocalTime.parse(line.substring(0, line.indexOf(' ')));
    ZonedDateTime now = ZonedDateTime.now();
    ZonedDateTime at = now.with(logged);
    // a line logged just before midnight, read just after
    return (at.isAfter(now) ? at.minusDays(1) : at).toInstant().toEpochMilli();
  }

  /** SIGTERM, as an operator or an orchestrator would stop the node; returns its exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  /** A user's verticle (the test's CallerVerticle) alone in a jar, so that it is not on the node's class path. */
  static void packageCallerVerticle(Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    String entry = "io/fusebox/platform/it/CallerVerticle.class";
    Path compiled = Path.of(System.getProperty("fusebox.testClasses", "target/test-classes")).resolve(entry);
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry(entry));
      out.write(Files.readAllBytes(compiled));
      out.closeEntry();
    }
  }

  /** One request through the node's bridge, as any bridge client would send it; the reply frame. */
  static JsonObject bridgeRequest(int port, String address, JsonObject body) throws IOException {
    return BridgeSocket.request("127.0.0.1", port, address, body, new JsonObject(), 10_000);
  }


  boolean alive() {
    return process.isAlive();
  }

  /** CPU time the process has used so far, user and system, in milliseconds (Linux: /proc/<pid>/stat). */
  long cpuMillis() throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
    // the fields after the command's closing parenthesis; utime and stime are the 12th and 13th of them
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
  }

  /** {@code getconf CLK_TCK}: 100 on every Linux this runs on. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  /** The YAML list of {@code count} cluster members on loopback, from {@code firstPort} up. */
  static String members(int firstPort, int count) {
    return java.util.stream.IntStream.range(0, count).mapToObj(i -> "\"127.0.0.1:" + (firstPort + i) + "\"")
        .collect(java.util.stream.Collectors.joining(", ", "[", "]"));
  }

  /** SIGSTOP: the whole JVM stands still, as in a long GC pause or a frozen VM. */
  void pause() throws Exception {
    signal("STOP");
  }

  /** SIGCONT after {@link #pause()}. */
  void resume() throws Exception {
    signal("CONT");
  }

  /** SIGHUP, which makes the node reload its configuration file. */
  void hangUp() throws Exception {
    signal("HUP");
  }

  private void signal(String name) throws Exception {
    Signals.send(process.pid(), name);
  }

  /** kill -9: the node dies without a word, as on a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      terminate();
    }
  }
}
