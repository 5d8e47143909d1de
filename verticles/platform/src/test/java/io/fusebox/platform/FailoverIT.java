package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.BridgeFrames;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.protocol.FuseboxException;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A node's death under load, in separate JVMs on loopback: callers on node A's bridge, and a
 * {@link FuseboxClient} on a cluster member of this JVM, keep calls in flight to a breaker whose
 * instances run on B and C, in front of a dependency that takes 200 ms.
 * B is first paused for 3 s (it must stay a member, and every call it held is answered when it
 * resumes), then killed with {@code kill -9}: the calls it held are answered 503 {@code node_left}
 * within {@link #BOUND_MILLIS} of it (and the test prints when), calls sent after that all go to C,
 * and every call gets exactly one reply.
 */
class FailoverIT {

  private static final int IN_FLIGHT = 40;
  /** The target is one second (measured 544 – 846 ms); the margin is for a CI machine under load. */
  private static final long BOUND_MILLIS = 2_000;

  @Test
  void aKilledNodesCallsAreAnsweredAtOnceAndAPausedOneStays() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "failover");
    // three nodes and a fourth member: this JVM, whose FuseboxClient calls as an application would
    int hz = FreePorts.block(4);
    String members = LaunchedNode.members(hz, 4);
    FuseboxConfig.Cluster cluster = new FuseboxConfig.Cluster("127.0.0.1", hz + 3,
        IntStream.range(0, 4).mapToObj(i -> "127.0.0.1:" + (hz + i)).toList());
    int bridge = FreePorts.next();
    Vertx vertx = Vertx.vertx();
    Vertx member = null;
    HttpServer upstream = vertx.createHttpServer()
        .requestHandler(request -> vertx.setTimer(200, id -> request.response().end("ok")))
        .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    String slow = """
        circuit_breakers:
          services:
            slow:
              dependency: { type: http, base_url: "http://127.0.0.1:%d" }
              detection: { consecutive_failures: { threshold: 1000 } }
        """.formatted(upstream.actualPort());
    Files.writeString(dir.resolve("a.yaml"), node("node-a", hz, members,
        "  bridge: { enabled: true, host: 127.0.0.1, port: " + bridge + " }\n", ""));
    Files.writeString(dir.resolve("b.yaml"), node("node-b", hz, members, "", slow));
    Files.writeString(dir.resolve("c.yaml"), node("node-c", hz, members, "", slow));
    try (LaunchedNode a = LaunchedNode.start(dir, "run", "--conf", "a.yaml");
         LaunchedNode b = LaunchedNode.start(dir, "run", "--conf", "b.yaml");
         LaunchedNode c = LaunchedNode.start(dir, "run", "--conf", "c.yaml")) {
      for (var n : List.of(a, b, c)) {
        n.awaitOutput("is up with", Duration.ofSeconds(60));
      }
      member = Clustering.join(new VertxOptions(), cluster, Clustering.manager(cluster, "caller"))
          .await(60, TimeUnit.SECONDS);
      FuseboxClient client = FuseboxClient.create(member);
      client.ready().await(10, TimeUnit.SECONDS);
      Map<String, Load> loads = Map.of("the bridge", Load.throughBridge(vertx, bridge, IN_FLIGHT),
          "FuseboxClient", Load.throughClient(member, client, IN_FLIGHT));
      // the routers have heard both instances once both answer
      Awaitility.await("replies from both instances").atMost(Duration.ofSeconds(30))
          .until(() -> allAnswered(loads.values(), Long.MIN_VALUE, 200));

      b.pause();
      BreakerHarness.holdsFor(Duration.ofSeconds(3), () -> !a.output().contains("left the cluster"));
      b.resume();
      long resumed = System.nanoTime();
      Awaitility.await("calls answered after the pause").atMost(Duration.ofSeconds(20))
          .until(() -> allAnswered(loads.values(), resumed, 400));
      assertThat(a.output()).as("a node paused for 3 s stays a member").doesNotContain("node node-b left the cluster");
      for (var load : loads.entrySet()) {
        assertThat(load.getValue().progress().errors()).as("no call through %s failed while node-b stood still",
            load.getKey()).isEmpty();
      }

      long killed = System.nanoTime();
      b.kill();
      long settled = killed + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
      Awaitility.await("new calls answered after the kill").atMost(Duration.ofSeconds(20))
          .until(() -> allAnswered(loads.values(), settled, 200));
      for (var load : loads.entrySet()) {
        assertFailover(load.getKey(), load.getValue().stop(), killed);
      }
      a.awaitOutput("node node-b left the cluster", Duration.ofSeconds(5));
    } finally {
      if (member != null) {
        member.close().await(30, TimeUnit.SECONDS);
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static boolean allAnswered(Iterable<Load> loads, long after, long count) throws Exception {
    for (Load load : loads) {
      if (load.progress().answeredAfter(after) <= count) {
        return false;
      }
    }
    return true;
  }

  private static void assertFailover(String via, Load.Figures figures, long killed) {
    assertThat(figures.unanswered()).as("calls through %s without a reply", via).isZero();
    assertThat(figures.duplicates()).as("calls through %s answered twice", via).isZero();
    List<Load.Call> heldAtKill = figures.inFlightAt(killed);
    assertThat(heldAtKill).as("calls through %s in flight at the kill", via).hasSizeGreaterThanOrEqualTo(IN_FLIGHT / 2);
    long nodeLeft = heldAtKill.stream().filter(call -> "node_left".equals(call.error())).count();
    long[] afterKill = heldAtKill.stream().filter(call -> call.error() != null)
        .mapToLong(call -> TimeUnit.NANOSECONDS.toMillis(call.answeredAt() - killed)).sorted().toArray();
    long lastToB = figures.calls().stream().filter(call -> call.error() != null)
        .mapToLong(call -> TimeUnit.NANOSECONDS.toMillis(call.sentAt() - killed)).max().orElse(0);
    System.out.printf("kill -9 of node-b, through %s: %d calls in flight, %d answered node_left %s ms after the kill"
        + " (min, median, max); the last call sent to node-b left %d ms after the kill%n", via, heldAtKill.size(),
        nodeLeft, afterKill.length == 0 ? "-" : afterKill[0] + ", " + afterKill[afterKill.length / 2] + ", "
            + afterKill[afterKill.length - 1], lastToB);
    assertThat(nodeLeft).as("calls node-b held, answered node_left through %s", via).isPositive();
    assertThat(heldAtKill).as("every call through %s held at the kill answered within %d ms of it", via, BOUND_MILLIS)
        .allSatisfy(call -> assertThat(TimeUnit.NANOSECONDS.toMillis(call.answeredAt() - killed))
            .isLessThanOrEqualTo(BOUND_MILLIS));
    assertThat(figures.sentAfter(killed + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS)))
        .as("calls through %s sent once node-b was known gone all succeed on node-c", via)
        .isNotEmpty().allSatisfy(call -> assertThat(call.error()).isNull());
    assertThat(figures.errors().keySet()).as("the only errors through %s are the killed node's", via)
        .containsOnly("node_left");
  }

  private static String node(String name, int hz, String members, String extra, String services) {
    return """
        fusebox:
          node: { name: %s }
          http: { port: %d }
          snapshot_interval: 500ms
          cluster: { enabled: true, host: 127.0.0.1, port: %d, members: %s }
        %s%s""".formatted(name, FreePorts.next(), hz, members, extra, services);
  }

  /**
   * Calls kept at a fixed number in flight, through the bridge or a {@link FuseboxClient}, each
   * timed and checked against its one reply. Everything runs on one context.
   */
  static final class Load {

    record Call(long sentAt, long answeredAt, String error) {
    }

    record Progress(long answered, Map<String, Long> errors, List<Long> answeredTimes) {
      long answeredAfter(long nanos) {
        return answeredTimes.stream().filter(t -> t > nanos).count();
      }
    }

    record Figures(List<Call> calls, long unanswered, long duplicates, Map<String, Long> errors) {
      List<Call> inFlightAt(long nanos) {
        return calls.stream().filter(c -> c.sentAt < nanos && c.answeredAt > nanos).toList();
      }

      List<Call> sentAfter(long nanos) {
        return calls.stream().filter(c -> c.sentAt > nanos).toList();
      }
    }

    /** Sends one call under its id; its answer comes back to {@link #onAnswer} with the id. */
    private interface Sender {
      void send(String id);

      void close();
    }

    private final Context context;
    private Sender sender;
    private final Map<String, Long> pending = new HashMap<>();
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, Long> errors = new HashMap<>();
    private long duplicates;
    private long next;
    private boolean stopped;

    private Load(Context context) {
      this.context = context;
    }

    /** Through node A's bridge: each call with its own reply address, the id. */
    static Load throughBridge(Vertx vertx, int bridgePort, int inFlight) throws Exception {
      return start(vertx, inFlight, load -> {
        NetClient client = vertx.createNetClient();
        return client.connect(bridgePort, "127.0.0.1").map(socket -> {
          socket.handler(BridgeFrames.reader(frame -> load.onAnswer(frame.getString("address"),
              "err".equals(frame.getString("type")) ? errorWord(frame.getString("message")) : null)));
          return new Sender() {
            @Override
            public void send(String id) {
              socket.write(BridgeFrames.encode(new JsonObject().put("type", "send").put("address", Addresses.call("slow"))
                  .put("replyAddress", id).put("body", new JsonObject().put("method", "GET").put("path", "/"))));
            }

            @Override
            public void close() {
              client.close();
            }
          };
        });
      });
    }

    /** As an application in the cluster calls: a {@link FuseboxClient} on a member of its own. */
    static Load throughClient(Vertx member, FuseboxClient client, int inFlight) throws Exception {
      return start(member, inFlight, load -> Future.succeededFuture(new Sender() {
        @Override
        public void send(String id) {
          client.http("slow").get("/").onComplete(ar -> load.onAnswer(id, ar.succeeded() ? null
              : ar.cause() instanceof FuseboxException refused ? refused.error().code().error() : ar.cause().toString()));
        }

        @Override
        public void close() {
        }
      }));
    }

    private static Load start(Vertx vertx, int inFlight, java.util.function.Function<Load, Future<Sender>> connect)
        throws Exception {
      Context context = vertx.getOrCreateContext();
      Load load = new Load(context);
      CompletableFuture<Load> started = new CompletableFuture<>();
      context.runOnContext(v -> connect.apply(load).onComplete(ar -> {
        if (ar.failed()) {
          started.completeExceptionally(ar.cause());
          return;
        }
        load.sender = ar.result();
        for (int i = 0; i < inFlight; i++) {
          load.send();
        }
        started.complete(load);
      }));
      return started.get(10, TimeUnit.SECONDS);
    }

    private void send() {
      String id = "r" + next++;
      pending.put(id, System.nanoTime());
      sender.send(id);
    }

    private void onAnswer(String id, String error) {
      long now = System.nanoTime();
      Long sentAt = pending.remove(id);
      if (sentAt == null) {
        duplicates++;
        return;
      }
      if (error != null) {
        errors.merge(error, 1L, Long::sum);
      }
      calls.add(new Call(sentAt, now, error));
      if (!stopped) {
        send();
      }
    }

    private static String errorWord(String message) {
      try {
        return new JsonObject(message).getString("error", "unknown");
      } catch (RuntimeException notJson) {
        return String.valueOf(message);
      }
    }

    Progress progress() throws Exception {
      return onContext(() -> new Progress(calls.size(), Map.copyOf(errors),
          calls.stream().map(Call::answeredAt).toList()));
    }

    /** Sends no more, waits up to 20 s for what is in flight, and returns every call. */
    Figures stop() throws Exception {
      onContext(() -> stopped = true);
      Awaitility.await("the calls in flight").atMost(Duration.ofSeconds(20)).until(() -> onContext(pending::isEmpty));
      Figures figures = onContext(() -> new Figures(List.copyOf(calls), pending.size(), duplicates, Map.copyOf(errors)));
      sender.close();
      return figures;
    }

    private <T> T onContext(java.util.concurrent.Callable<T> read) throws Exception {
      CompletableFuture<T> result = new CompletableFuture<>();
      context.runOnContext(v -> {
        try {
          result.complete(read.call());
        } catch (Exception e) {
          result.completeExceptionally(e);
        }
      });
      return result.get(10, TimeUnit.SECONDS);
    }
  }
}
