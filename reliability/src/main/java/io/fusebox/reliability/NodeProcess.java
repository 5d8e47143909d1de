package io.fusebox.reliability;

import io.fusebox.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/** A Fusebox node as users run it: {@code java -jar fusebox.jar run}, in a JVM of its own, its output in a file. */
final class NodeProcess implements AutoCloseable {

  static final String ADMIN_TOKEN = "reliability-admin-token";
  private static final int DEFAULT_HEAP_MB = 384;
  /** HTTP/1.1 only: the JDK client's h2c upgrade attempt on plain http was seen to hang a request past its timeout. */
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final String name;
  private final Path dir;
  private final Path log;
  private final int httpPort;
  private final int bridgePort;
  private final List<String> extraArgs;
  private final int heapMb;
  private Process process;

  private NodeProcess(String name, Path dir, int httpPort, int bridgePort, int heapMb, List<String> extraArgs) {
    this.name = name;
    this.heapMb = heapMb;
    this.dir = dir;
    this.log = dir.resolve("node.log");
    this.httpPort = httpPort;
    this.bridgePort = bridgePort;
    this.extraArgs = extraArgs;
  }

  /**
   * Writes the node's configuration into a directory of its own and starts it, waiting until it is up.
   *
   * @param fusebox more keys of the {@code fusebox} section (a store, verticles), "" for none
   * @param breakers the {@code circuit_breakers.services} entries
   */
  static NodeProcess start(Workspace workspace, String name, String fusebox, String breakers, String... extraArgs) {
    return start(workspace, name, fusebox, breakers, DEFAULT_HEAP_MB, extraArgs);
  }

  /** As {@link #start(Workspace, String, String, String, String...)}, with a heap of {@code heapMb}. */
  static NodeProcess start(Workspace workspace, String name, String fusebox, String breakers, int heapMb,
      String... extraArgs) {
    try {
      Path dir = Files.createDirectories(workspace.root().resolve(name));
      int http = FreePorts.next();
      int bridge = FreePorts.next();
      Files.writeString(dir.resolve("fusebox.yaml"), """
          fusebox:
            node: { name: %s }
            http: { host: 127.0.0.1, port: %d, admin_token: %s }
            snapshot_interval: 1s
            bridge: { enabled: true, host: 127.0.0.1, port: %d }
          %s
          circuit_breakers:
            services:
          %s""".formatted(name, http, ADMIN_TOKEN, bridge, fusebox.indent(2), breakers.indent(4)));
      NodeProcess node = new NodeProcess(name, dir, http, bridge, heapMb, List.of(extraArgs));
      node.launch(workspace.jar());
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the same node again on the same configuration and ports, after a crash or a stop. */
  void restart(Path jar) throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("node " + name + " is still running");
    }
    launch(jar);
  }

  private void launch(Path jar) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx" + heapMb + "m", "-jar", jar.toAbsolutePath().toString(), "run",
        "--conf", "fusebox.yaml"));
    command.addAll(extraArgs);
    Files.deleteIfExists(log);
    process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    Awaitility.await("node " + name + " up (its log: " + log + ")").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> output().contains("node " + name + " is up") || !process.isAlive());
    if (!process.isAlive()) {
      throw new IllegalStateException("node " + name + " exited at start:\n" + output());
    }
  }

  String name() {
    return name;
  }

  Path dir() {
    return dir;
  }

  int bridgePort() {
    return bridgePort;
  }

  int httpPort() {
    return httpPort;
  }

  long pid() {
    return process.pid();
  }

  /** The CPU time the node's process has used so far, all threads. */
  Duration cpuTime() {
    return process.info().totalCpuDuration()
        .orElseThrow(() -> new IllegalStateException("the OS does not tell node " + name + "'s CPU time"));
  }

  boolean alive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lines of the log at ERROR level, or with an unhandled exception. */
  List<String> errorLines() {
    return output().lines().filter(l -> l.contains(" ERROR ") || l.contains("Unhandled exception")).toList();
  }

  /** Vert.x's blocked-thread checker warnings: an event loop or worker held too long. */
  long blockedThreadWarnings() {
    return output().lines().filter(l -> l.contains("has been blocked for")).count();
  }

  /** kill -9: the node dies without a word, as on a crash. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(20, TimeUnit.SECONDS);
  }

  /** SIGTERM, then SIGKILL if it does not end. */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A full GC in the node (jcmd), then its heap in use, from its own /metrics. */
  long heapAfterGc() throws Exception {
    jcmd("GC.run");
    return heapUsed();
  }

  /** The heap in use now, as the node's {@code /metrics} tells it; after a full GC, its live heap. */
  long heapUsed() throws Exception {
    return (long) metric("jvm_memory_used_bytes", "area=\"heap\"");
  }

  /**
   * The Vert.x timers pending in the node, counted in a class histogram of its live objects (which
   * runs a full GC first): Vert.x has no metric for them, and a cancelled or fired timer is no
   * longer reachable.
   */
  long pendingTimers() throws Exception {
    String timerClass = "io.vertx.core.impl.VertxImpl$InternalTimerHandler";
    // a row: "  12:   345   6789  class.Name", the module after it for JDK classes
    return jcmd("GC.class_histogram").lines().map(l -> l.trim().split("\\s+"))
        .filter(row -> row.length >= 4 && row[3].equals(timerClass)).findFirst()
        .map(row -> Long.parseLong(row[1])).orElse(0L);
  }

  /**
   * The node's live Java threads but the JIT's compiler threads, which the JVM adds and removes as
   * its compile load comes and goes (a node sharing its cores with heavy benchmarks counted three
   * more threads at the end of a full soak, most likely those).
   */
  long threadsButCompilers() throws Exception {
    // a Java thread's line in a thread dump: "name" #12 daemon prio=5 ...
    return jcmd("Thread.print").lines().filter(l -> l.startsWith("\"") && l.contains("\" #"))
        .filter(l -> !l.contains("CompilerThread")).count();
  }

  private String jcmd(String command) throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(process.pid()), command).redirectErrorStream(true).start();
    // read before waiting: a class histogram fills the pipe
    String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      jcmd.destroyForcibly();
      throw new IllegalStateException("jcmd " + command + " failed on node " + name + ": " + out.lines().findFirst().orElse(""));
    }
    return out;
  }

  /** The sum of a metric's samples whose labels contain {@code labelFilter} ("" for all). */
  double metric(String name, String labelFilter) throws Exception {
    Double sum = metrics().sum(name, labelFilter);
    if (sum == null) {
      throw new IllegalStateException("no metric " + name + " {" + labelFilter + "} on node " + this.name);
    }
    return sum;
  }

  /** The node's /metrics as of now: several figures read from it are of the same moment. */
  Metrics metrics() throws Exception {
    return new Metrics(get("/metrics").body());
  }

  /** One scrape of a node's /metrics. */
  record Metrics(String exposition) {

    /** The sum of a metric's samples whose labels contain {@code labelFilter}; null when it has none. */
    Double sum(String name, String labelFilter) {
      Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+|NaN)$");
      double sum = 0;
      boolean found = false;
      for (String l : exposition.split("\n")) {
        Matcher m = line.matcher(l);
        if (m.matches() && (m.group(1) == null ? labelFilter.isEmpty() : m.group(1).contains(labelFilter))) {
          found = true;
          sum += Double.parseDouble(m.group(2));
        }
      }
      return found ? sum : null;
    }

    /** As {@link #sum}, but 0 for a metric not exported yet (a counter before its first count). */
    long countOrZero(String name, String labelFilter) {
      Double sum = sum(name, labelFilter);
      return sum == null ? 0 : sum.longValue();
    }
  }

  /** The node's snapshot of a breaker, as {@code /api/breakers/{name}} shows it (its first instance). */
  JsonObject breaker(String breaker) throws Exception {
    HttpResponse<String> response = get("/api/breakers/" + breaker);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET /api/breakers/" + breaker + " answered " + response.statusCode() + ": "
          + response.body());
    }
    JsonArray instances = new JsonObject(response.body()).getJsonArray("instances");
    return instances.getJsonObject(0);
  }

  /**
   * An admin action on a breaker through the REST API, with the node's token and the suite's reason
   * for the audit trail; fails unless it is done.
   */
  void admin(String breaker, String action) throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
            + "/api/breakers/" + breaker + "/" + action + "?reason=reliability%20suite")).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(action + " " + breaker + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(10)).GET().build());
  }

  /** Sends with a hard bound of its own on top of the request's timeout, so that the runner never hangs. */
  static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);
  }


  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
