package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.protocol.BridgeFrames;
import io.fusebox.protocol.Addresses;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.FreePorts;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node under load that is paused (SIGSTOP, as a long GC or a frozen VM does) or whose dependencies
 * are (their processes stopped, PostgreSQL's connections held by a fault proxy): every request still
 * gets exactly one reply, and the node logs no ERROR once everything runs again.
 */
class PauseIT {

  private static final int IN_FLIGHT = 60;
  private static final Duration PAUSE = Duration.ofSeconds(5);
  private static final Duration DEPENDENCY_PAUSE = Duration.ofSeconds(3);

  private Vertx vertx;
  private TestServices.Postgres pg;
  private FaultProxy pgProxy;
  private Path dir;
  private int bridge;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    pg = TestServices.postgres();
    pgProxy = FaultProxy.start(vertx, pg.host(), pg.port()).await(10, TimeUnit.SECONDS);
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pause");
    bridge = FreePorts.next();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aNodePausedUnderLoadAnswersEveryCallOnceAndLogsNoError() throws Exception {
    FlakyHttpServer api = FlakyHttpServer.start(vertx).await(10, TimeUnit.SECONDS).latency(Duration.ofMillis(5));
    TestServices.Redis redis = TestServices.redis();
    writeConfig(api.port(), redis.host(), redis.port());
    try (LaunchedNode node = LaunchedNode.start(dir, "run", "--conf", "fusebox.yaml")) {
      node.awaitOutput("node paused is up", Duration.ofSeconds(60));
      Load load = Load.start(vertx, bridge, List.of("api", "orders", "cache"));
      load.awaitReplies(500);
      node.pause();
      // the fault itself: the JVM stands still this long, and no request is answered twice meanwhile
      BreakerHarness.holdsFor(PAUSE, () -> load.duplicates() == 0);
      node.resume();
      load.awaitReplies(load.replies() + 2000);
      load.stopAndAwaitEveryReply();
      assertThat(load.duplicates()).as("requests answered twice").isZero();
      logStaysFreeOfErrors(node, "the node's log after the pause");
    }
  }

  @Test
  void dependenciesPausedUnderLoadLeaveNoErrorBehind() throws Exception {
    try (DependencyProcess api = DependencyProcess.httpServer(5);
        DependencyProcess redis = DependencyProcess.redisServer()) {
      writeConfig(api.port(), "127.0.0.1", redis.port());
      try (LaunchedNode node = LaunchedNode.start(dir, "run", "--conf", "fusebox.yaml")) {
        node.awaitOutput("node paused is up", Duration.ofSeconds(60));
        Load load = Load.start(vertx, bridge, List.of("api", "orders", "cache"));
        load.awaitReplies(500);
        api.pause();
        redis.pause();
        pgProxy.hang();
        // the fault itself: the dependencies stand still this long, and no request is answered twice
        BreakerHarness.holdsFor(DEPENDENCY_PAUSE, () -> load.duplicates() == 0);
        assertThat(load.errors()).as("calls answered with an error while the dependencies stood still").isPositive();
        api.resume();
        redis.resume();
        pgProxy.healthy();
        load.awaitReplies(load.replies() + 2000);
        load.stopAndAwaitEveryReply();
        assertThat(load.duplicates()).as("requests answered twice").isZero();
        logStaysFreeOfErrors(node, "the node's log after its dependencies were paused");
      }
    }
  }

  /** PostgreSQL always through the fault proxy: the machine's shared server must not be paused. */
  private void writeConfig(int apiPort, String redisHost, int redisPort) throws Exception {
    Files.writeString(dir.resolve("fusebox.yaml"), """
        fusebox:
          node: { name: paused }
          http: { port: %d }
          bridge: { enabled: true, host: 127.0.0.1, port: %d }
        circuit_breakers:
          default:
            detection: { call_timeout: 1s }
            transitions: { open_timeout: 1s }
          services:
            api:
              dependency: { type: http, base_url: "http://127.0.0.1:%d", pool_size: 2 }
            orders:
              dependency: { type: pg, host: 127.0.0.1, port: %d, database: %s, user: %s, password: "%s", pool_size: 4 }
            cache:
              dependency: { type: redis, host: %s, port: %d, pool_size: 4 }
        """.formatted(FreePorts.next(), bridge, apiPort, pgProxy.port(), pg.database(), pg.user(),
        pg.password(), redisHost, redisPort));
  }

  /** Late timers and deadlines fire for a few seconds after the fault: the log must stay clean all along. */
  private static void logStaysFreeOfErrors(LaunchedNode node, String what) {
    Awaitility.await(what).during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
        .until(() -> !node.output().contains(" ERROR "));
  }

  /** Keeps {@link #IN_FLIGHT} requests in flight through one bridge connection, counting replies per request. */
  private static final class Load {
    private static final Map<String, JsonObject> OPERATIONS = Map.of(
        "api", new JsonObject().put("path", "/load"),
        "orders", new JsonObject().put("sql", "SELECT 1 AS one"),
        "cache", new JsonObject().put("command", "PING"));

    private final NetClient client;
    private final NetSocket socket;
    private final List<String> breakers;
    private final Map<String, AtomicInteger> answered = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong replies = new AtomicLong();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private volatile boolean stopping;

    private Load(NetClient client, NetSocket socket, List<String> breakers) {
      this.client = client;
      this.socket = socket;
      this.breakers = breakers;
    }

    static Load start(Vertx vertx, int port, List<String> breakers) throws Exception {
      // the load holds its client: Vert.x closes an unreferenced client, connection and all, when it is collected
      NetClient client = vertx.createNetClient();
      NetSocket socket = client.connect(port, "127.0.0.1").await(10, TimeUnit.SECONDS);
      Load load = new Load(client, socket, breakers);
      socket.handler(BridgeFrames.reader(load::onReply));
      vertx.runOnContext(v -> {
        for (int i = 0; i < IN_FLIGHT; i++) {
          load.sendNext();
        }
      });
      return load;
    }

    private void sendNext() {
      if (stopping) {
        return;
      }
      long id = sent.incrementAndGet();
      String breaker = breakers.get((int) (id % breakers.size()));
      answered.put("r" + id, new AtomicInteger());
      socket.write(BridgeFrames.encode(new JsonObject().put("type", "send").put("address", Addresses.call(breaker))
          .put("replyAddress", "r" + id).put("body", OPERATIONS.get(breaker))));
    }

    private void onReply(JsonObject frame) {
      AtomicInteger count = answered.get(frame.getString("address"));
      if (count == null) {
        return;
      }
      if (count.incrementAndGet() > 1) {
        duplicates.incrementAndGet();
        return;
      }
      replies.incrementAndGet();
      if ("err".equals(frame.getString("type"))) {
        errors.incrementAndGet();
      }
      sendNext();
    }

    long replies() {
      return replies.get();
    }

    int duplicates() {
      return duplicates.get();
    }

    int errors() {
      return errors.get();
    }

    void awaitReplies(long n) {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> replies.get() >= n);
    }

    /** Stops sending and waits until every request sent has its reply. */
    void stopAndAwaitEveryReply() {
      stopping = true;
      Awaitility.await().atMost(Duration.ofSeconds(60))
          .until(() -> answered.values().stream().allMatch(c -> c.get() >= 1));
      client.close();
    }
  }
}
