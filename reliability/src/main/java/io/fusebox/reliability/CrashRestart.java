package io.fusebox.reliability;

import io.fusebox.testkit.TestServices;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * Scenario 7: a node with an open breaker is killed with {@code kill -9} mid-load and started again,
 * with the file store and with the Redis store: the breaker must come back open, with the rest of its
 * open time. Then a corrupt state file: moved aside with a clear message, the node starts anyway.
 */
final class CrashRestart implements Scenario {

  @Override
  public void run(Workspace workspace, Mode mode, Report report) throws Exception {
    Report.Section section = report.section(7, "Crash and restart", """
        A breaker with a 5-minute open timeout is tripped under 100 calls/s, the node is killed with `kill -9` \
        while the load goes on, and started again on the same configuration. Target: the breaker is open again \
        with the same retry time (within 1 s). Once with the file store, once with the Redis store (a key prefix \
        of this run's own, deleted afterwards). Then a corrupt state file: it must be moved aside with a clear \
        message and the node must start.""");
    TestServices.Redis redis = TestServices.redis();
    String prefix = "fusebox-reliability-" + UUID.randomUUID() + ":";
    crash(workspace, section, "file", "store: { type: file, path: data/breakers.json }",
        node -> Files.exists(node.dir().resolve("data/breakers.json"))
            && Files.readString(node.dir().resolve("data/breakers.json")).contains("\"open\""));
    String key = prefix + "crash@crash-redis";
    try {
      crash(workspace, section, "redis", "store: { type: redis, url: \"redis://%s:%d\", prefix: \"%s\" }"
          .formatted(redis.host(), redis.port(), prefix), node -> redisCommand(redis, "HGETALL", key).contains("open"));
    } finally {
      redisCommand(redis, "DEL", key);
    }
    corruptFile(workspace, section);
  }

  /** Whether the node's store holds the breaker's open state yet. */
  interface Stored {
    boolean open(NodeProcess node) throws Exception;
  }

  private void crash(Workspace workspace, Report.Section section, String store, String storeYaml, Stored stored)
      throws Exception {
    SimulatedDependency dependency = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.failing());
    String breakers = """
        crash:
          dependency: { type: http, base_url: "%s", pool_size: 8 }
          transitions: { open_timeout: 5m, max_open_timeout: 10m }
        """.formatted(dependency.baseUrl());
    try (NodeProcess node = NodeProcess.start(workspace, "crash-" + store, storeYaml, breakers)) {
      BridgeLoad load = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "crash",
          id -> new JsonObject().put("method", "GET").put("path", "/c")).openLoop(100);
      Awaitility.await("crash opens").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().until(() -> "open".equals(node.breaker("crash").getString("state")));
      JsonObject before = node.breaker("crash");
      // the store writes on the transition, off the call path: the crash comes once the write is done
      Awaitility.await("the open state in the " + store + " store").atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50)).until(() -> stored.open(node));
      node.kill();
      node.restart(workspace.jar());
      Awaitility.await("crash reports after the restart").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().until(() -> node.breaker("crash") != null);
      JsonObject after = node.breaker("crash");
      load.finish(Duration.ofSeconds(5));
      long drift = Math.abs(after.getLong("retry_at", 0L) - before.getLong("retry_at", -1L));
      boolean restored = "open".equals(after.getString("state")) && drift <= 1000;
      section.figure(store + " store: state after kill -9 and restart", after.getString("state") + ", retry time "
          + (drift <= 1000 ? "kept (" + drift + " ms apart)" : "moved by " + drift + " ms"), "open, retry time kept",
          restored);
    } finally {
      dependency.close();
    }
  }

  private void corruptFile(Workspace workspace, Report.Section section) throws Exception {
    SimulatedDependency dependency = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.steady(2));
    String breakers = """
        crash:
          dependency: { type: http, base_url: "%s", pool_size: 8 }
        """.formatted(dependency.baseUrl());
    try (NodeProcess node = NodeProcess.start(workspace, "corrupt", "store: { type: file, path: data/breakers.json }",
        breakers)) {
      node.close();
      Path file = node.dir().resolve("data/breakers.json");
      Files.createDirectories(file.getParent());
      Files.writeString(file, "{\"crash\": {\"state\": ");
      node.restart(workspace.jar());
      boolean movedAside;
      try (Stream<Path> files = Files.list(file.getParent())) {
        movedAside = files.anyMatch(p -> p.getFileName().toString().startsWith("breakers.json.corrupt-"));
      }
      String log = node.output();
      boolean clear = log.contains("is corrupt") && log.contains("moved it to") && log.contains("starting with no saved state");
      section.figure("corrupt state file", (movedAside ? "moved aside" : "not moved aside") + ", node up: " + node.alive()
          + "; the log says: `breaker state file <path> is corrupt (<parser's reason>); moved it to <path>.corrupt-<time> "
          + "and starting with no saved state`" + (clear ? "" : " — NOT FOUND"), "moved aside, clear message, node up",
          movedAside && node.alive() && clear);
    } finally {
      dependency.close();
    }
  }

  /** One command to the shared Redis with plain RESP, its raw answer: this run touches only its own key. */
  private static String redisCommand(TestServices.Redis redis, String... args) throws IOException {
    try (Socket socket = new Socket(redis.host(), redis.port())) {
      socket.setSoTimeout(2000);
      OutputStream out = socket.getOutputStream();
      StringBuilder command = new StringBuilder("*" + args.length + "\r\n");
      for (String arg : args) {
        command.append("$").append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
      }
      out.write(command.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      byte[] buffer = new byte[8192];
      int n = socket.getInputStream().read(buffer);
      return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.UTF_8);
    }
  }
}
