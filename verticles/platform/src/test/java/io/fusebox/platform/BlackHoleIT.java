package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.ConfigLoader;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.grpc.EchoServer;
import io.fusebox.protocol.Addresses;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each kind of dependency black-holed for 30 s (the proxy stops forwarding and answering, without a
 * reset, and new connections never reach the server: a partition) under 200 concurrent callers per breaker, then healed: no caller
 * waits past its deadline, the server never holds more of our connections than the pool's size, no
 * answered transaction commits late, and every breaker closes soon after the heal.
 */
class BlackHoleIT {

  private static final int CALLERS = 200;
  private static final int POOL_SIZE = 4;
  private static final long CALL_TIMEOUT_MS = 1000;
  private static final long OPEN_TIMEOUT_MS = 2000;
  private static final long PROBE_INTERVAL_MS = 500;
  private static final Duration HANG = Duration.ofSeconds(30);
  private static final long THINK_MS = 50;
  private static final List<String> BREAKERS = List.of("api", "orders", "cache", "agent");
  private static final String NAME = "fusebox-blackhole-" + ProcessHandle.current().pid();

  private Vertx vertx;
  private Map<String, FaultProxy> proxies;
  private TestServices.Postgres pg;
  private Pool direct;
  private Redis redis;
  private EchoServer grpc;
  private Path dir;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    pg = TestServices.postgres();
    TestServices.Redis r = TestServices.redis();
    FlakyHttpServer api = FlakyHttpServer.start(vertx).await(10, TimeUnit.SECONDS);
    grpc = new EchoServer().start(vertx).await(10, TimeUnit.SECONDS);
    proxies = Map.of(
        "api", FaultProxy.start(vertx, "127.0.0.1", api.port()).await(10, TimeUnit.SECONDS),
        "orders", FaultProxy.start(vertx, pg.host(), pg.port()).await(10, TimeUnit.SECONDS),
        "cache", FaultProxy.start(vertx, r.host(), r.port()).await(10, TimeUnit.SECONDS),
        "agent", FaultProxy.start(vertx, "127.0.0.1", grpc.port()).await(10, TimeUnit.SECONDS));
    direct = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
        .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password())).using(vertx).build();
    direct.query("CREATE TABLE IF NOT EXISTS fusebox_markers (marker text PRIMARY KEY)").execute()
        .await(10, TimeUnit.SECONDS);
    redis = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://" + r.host() + ":" + r.port()));
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "blackhole");
    try (InputStream descriptor = EchoServer.class.getResourceAsStream("/echo.desc")) {
      Files.copy(descriptor, dir.resolve("echo.desc"));
    }
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private String config(boolean activeProbes) {
    String probe = activeProbes ? ", probe: { type: synthetic, interval: " + PROBE_INTERVAL_MS + "ms }" : "";
    return """
        fusebox:
          node: { name: blackhole }
          http: { port: 0 }
          snapshot_interval: 200ms
        circuit_breakers:
          default:
            detection: { call_timeout: %dms, consecutive_failures: { threshold: 5 } }
            transitions: { open_timeout: %dms, enable_exponential_backoff: false }
            recovery: { permitted_probes: 2, success_threshold: 2%s }
          services:
            api:
              dependency: { type: http, base_url: "http://127.0.0.1:%d", pool_size: %d }
            orders:
              dependency: { type: pg, host: 127.0.0.1, port: %d, database: %s, user: %s, password: "%s",
                            pool_size: %d, max_wait_queue: 1024, application_name: %s }
            cache:
              dependency: { type: redis, host: 127.0.0.1, port: %d, pool_size: %d, max_pool_waiting: 1024,
                            client_name: %s }
            agent:
              dependency: { type: grpc, host: 127.0.0.1, port: %d, descriptor_set: "%s", service: fusebox.test.Echo }
        """.formatted(CALL_TIMEOUT_MS, OPEN_TIMEOUT_MS, probe, proxies.get("api").port(), POOL_SIZE,
        proxies.get("orders").port(), pg.database(), pg.user(), pg.password(), POOL_SIZE, NAME,
        proxies.get("cache").port(), POOL_SIZE, NAME, proxies.get("agent").port(), dir.resolve("echo.desc"));
  }

  @ParameterizedTest(name = "active probes: {0}")
  @ValueSource(booleans = {false, true})
  void everyKindHonoursItsDeadlineThroughABlackHoleAndRecovers(boolean activeProbes) throws Exception {
    FuseboxNode node = FuseboxNode.start(new ConfigLoader().parse(config(activeProbes), false, Map.of()),
        getClass().getClassLoader()).await(60, TimeUnit.SECONDS);
    try {
      Map<String, Long> closedAt = new ConcurrentHashMap<>();
      Map<String, String> state = new ConcurrentHashMap<>();
      Callers callers = new Callers(node.vertx());
      Map<String, AtomicInteger> reopenedAfterHeal = new ConcurrentHashMap<>();
      AtomicBoolean healedYet = new AtomicBoolean();
      node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> {
        String breaker = m.body().getString("breaker");
        String to = m.body().getString("to");
        state.put(breaker, to);
        if (!healedYet.get()) {
          return;
        }
        if ("closed".equals(to)) {
          // the first close after the heal is the recovery; a later trip is counted apart
          closedAt.putIfAbsent(breaker, System.nanoTime());
        } else if ("open".equals(to) && closedAt.containsKey(breaker)) {
          reopenedAfterHeal.computeIfAbsent(breaker, b -> new AtomicInteger()).incrementAndGet();
          System.out.println("  " + breaker + " reopened after the heal: " + m.body().getString("reason")
              + ", failures seen just before: " + callers.lastFailure.get(breaker));
        }
      });
      Sampler sampler = new Sampler();
      long samplerTimer = vertx.setPeriodic(250, id -> sampler.sample());
      callers.start();
      // warm: enough replies, and every breaker closed for a while (the first seconds of a cold JVM,
      // 800 first calls at once on 2 cores, trip some)
      Awaitility.await().atMost(Duration.ofSeconds(90)).during(Duration.ofSeconds(2)).until(() ->
          callers.replies.get() >= 20_000 && BREAKERS.stream().allMatch(b -> "closed".equals(state.getOrDefault(b, "closed"))));

      // from here on every reply counts; the first seconds of a cold JVM (800 first calls at once on
      // 2 cores) are printed apart
      callers.measuring = true;
      proxies.values().forEach(FaultProxy::partition);
      callers.blackHoled = true;
      // marked transactions sent while the breaker is still closed: each is admitted and must end
      // with a 504 that is never followed by a commit (the callers' own marked calls mostly meet an
      // open breaker, and with active probes never run as probes)
      callers.sendMarkedTransactions(20);
      sampler.max = sampler.duringHang;
      // the fault itself: the hole stays this long, and every answer in it is one a caller expects
      BreakerHarness.holdsFor(HANG, callers.unexpected::isEmpty);
      callers.blackHoled = false;
      healedYet.set(true);
      proxies.values().forEach(FaultProxy::healthy);
      long healed = System.nanoTime();
      // what the network held back (the FIN of every connection closed during the hang) arrives now,
      // and the servers take a moment to notice; what they hold after that is what we hold
      vertx.setTimer(3000, id -> sampler.max = sampler.afterHeal);
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .conditionEvaluationListener(c -> {
            if (!c.isSatisfied() && c.getRemainingTimeInMS() <= c.getPollInterval().toMillis()) {
              System.out.println("  not recovered yet: closed after the heal " + closedAt.keySet() + ", states " + state
                  + ", last failure " + callers.lastFailure);
            }
          })
          .until(() -> closedAt.keySet().containsAll(BREAKERS));
      // watch a while longer, for re-trips and for what the servers hold once the heal settled
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sampler.afterHealSamples.get() >= 8);
      callers.stop();
      vertx.cancelTimer(samplerTimer);

      long maxReplyMs = callers.maxReplyNanos.get() / 1_000_000;
      System.out.printf(Locale.ROOT, "black hole of %ds, active probes %s: %d calls, slowest reply %d ms"
              + " (%d ms while the JVM warmed up)%n", HANG.toSeconds(), activeProbes, callers.replies.get(), maxReplyMs,
          callers.maxWarmupReplyNanos.get() / 1_000_000);
      for (String breaker : BREAKERS) {
        System.out.printf(Locale.ROOT, "  %-6s closed %4d ms after the heal (reopened %d times after); at most %d"
                + " connections at the server during the hang, %d after it%n", breaker,
            (closedAt.get(breaker) - healed) / 1_000_000,
            reopenedAfterHeal.getOrDefault(breaker, new AtomicInteger()).get(),
            sampler.duringHang.get(breaker).get(), sampler.afterHeal.get(breaker).get());
      }
      // the callers, the node and the proxies share this JVM on 2 cores, whose collections pause up to
      // ~240 ms here (its GC log), and a reply can wait out one; a node that missed its deadline
      // would be seconds late, not half of one
      assertThat(maxReplyMs).as("the slowest reply").isLessThanOrEqualTo(CALL_TIMEOUT_MS + 500);
      assertThat(callers.unexpected).as("answers other than success, timeout, open, failure or a full bulkhead").isEmpty();
      for (String breaker : BREAKERS) {
        assertThat(sampler.afterHeal.get(breaker).get()).as("connections of %s at the server after the heal", breaker)
            .isLessThanOrEqualTo(POOL_SIZE);
        assertThat((closedAt.get(breaker) - healed) / 1_000_000).as("%s closed after the heal, in ms", breaker)
            .isLessThanOrEqualTo(OPEN_TIMEOUT_MS + 2 * PROBE_INTERVAL_MS + 500);
      }
      assertThat(callers.timedOutMarkers).as("transactions answered 504 during the hang").isNotEmpty();
      long committed = direct.preparedQuery("SELECT count(*) AS n FROM fusebox_markers WHERE marker = ANY($1)")
          .execute(Tuple.of(callers.timedOutMarkers.toArray(new String[0]))).await(10, TimeUnit.SECONDS)
          .iterator().next().getLong("n");
      assertThat(committed).as("transactions that committed after their caller was told 504").isZero();
    } finally {
      node.stop().await(30, TimeUnit.SECONDS);
    }
  }

  /** {@link #CALLERS} callers per breaker, each sending its next call when the last one is answered. */
  private static final class Callers {
    final Map<String, String> lastFailure = new ConcurrentHashMap<>();
    final AtomicLong maxReplyNanos = new AtomicLong();
    final AtomicLong maxWarmupReplyNanos = new AtomicLong();
    volatile boolean measuring;
    volatile boolean blackHoled;
    final AtomicLong replies = new AtomicLong();
    final Set<String> unexpected = ConcurrentHashMap.newKeySet();
    final Set<String> timedOutMarkers = ConcurrentHashMap.newKeySet();
    private final Vertx vertx;
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopping;

    Callers(Vertx vertx) {
      this.vertx = vertx;
    }

    void start() {
      for (String breaker : BREAKERS) {
        for (int i = 0; i < CALLERS; i++) {
          running.incrementAndGet();
          vertx.runOnContext(v -> call(breaker));
        }
      }
    }

    private JsonObject operation(String breaker, String marker) {
      return switch (breaker) {
        case "api" -> new JsonObject().put("path", "/black-hole");
        case "orders" -> marker == null ? new JsonObject().put("sql", "SELECT 1 AS one")
            : new JsonObject().put("tx", new JsonArray().add(new JsonObject()
                .put("sql", "INSERT INTO fusebox_markers (marker) VALUES ($1)").put("params", new JsonArray().add(marker))));
        case "cache" -> new JsonObject().put("command", "PING");
        default -> new JsonObject().put("method", "Say").put("message", new JsonObject().put("text", "hi"));
      };
    }

    private void call(String breaker) {
      if (stopping) {
        running.decrementAndGet();
        return;
      }
      // marked transactions start once the hole is there: none of them can reach a commit before the
      // heal, so any marker found afterwards was committed late. (A transaction whose COMMIT is in
      // flight when a deadline passes is in doubt by nature; the README says so.)
      String marker = "orders".equals(breaker) && blackHoled && Math.random() < 0.2 ? UUID.randomUUID().toString() : null;
      long start = System.nanoTime();
      vertx.eventBus().request(Addresses.call(breaker), operation(breaker, marker), new DeliveryOptions().setSendTimeout(30_000))
          .onComplete(ar -> {
            long took = System.nanoTime() - start;
            (measuring ? maxReplyNanos : maxWarmupReplyNanos).accumulateAndGet(took, Math::max);
            replies.incrementAndGet();
            if (ar.failed() && ar.cause() instanceof ReplyException re && Set.of(429, 502, 503, 504).contains(re.failureCode())) {
              if (re.failureCode() == 502 || re.failureCode() == 504) {
                lastFailure.put(breaker, re.getMessage());
              }
              if (re.failureCode() == 504 && marker != null) {
                timedOutMarkers.add(marker);
              }
            } else if (ar.failed()) {
              unexpected.add(breaker + ": " + ar.cause());
            }
            // each caller thinks a little between calls: 800 callers in a busy loop would measure the
            // CPU of this 2-core machine, not the deadlines
            vertx.setTimer(THINK_MS, id -> call(breaker));
          });
    }

    void sendMarkedTransactions(int count) {
      for (int i = 0; i < count; i++) {
        String marker = UUID.randomUUID().toString();
        vertx.eventBus().request(Addresses.call("orders"), operation("orders", marker)).onFailure(e -> {
          if (e instanceof ReplyException re && re.failureCode() == 504) {
            timedOutMarkers.add(marker);
          } else {
            unexpected.add("marked transaction: " + e);
          }
        });
      }
    }

    void stop() {
      stopping = true;
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> running.get() == 0);
    }
  }

  /**
   * The most connections each server held from the node, counted at the server (or, for HTTP and
   * gRPC, at the proxy in front of it), in two phases: during the hang and once it healed.
   */
  private final class Sampler {
    final Map<String, AtomicInteger> duringHang = counters();
    final Map<String, AtomicInteger> afterHeal = counters();
    final AtomicInteger afterHealSamples = new AtomicInteger();
    volatile Map<String, AtomicInteger> max = new ConcurrentHashMap<>(counters());

    private Map<String, AtomicInteger> counters() {
      return new ConcurrentHashMap<>(Map.of(
          "api", new AtomicInteger(), "orders", new AtomicInteger(), "cache", new AtomicInteger(), "agent", new AtomicInteger()));
    }

    void sample() {
      record("api", proxies.get("api").serverConnections());
      record("agent", proxies.get("agent").serverConnections());
      direct.preparedQuery("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1")
          .execute(Tuple.of(NAME)).onSuccess(rows -> record("orders", rows.iterator().next().getLong("n").intValue()));
      redis.send(Request.cmd(Command.CLIENT).arg("LIST")).onSuccess(list -> record("cache",
          (int) list.toString().lines().filter(l -> l.contains(" name=" + NAME + " ")).count()));
    }

    private void record(String breaker, int connections) {
      Map<String, AtomicInteger> phase = max;
      phase.get(breaker).accumulateAndGet(connections, Math::max);
      if (phase == afterHeal && "api".equals(breaker)) {
        afterHealSamples.incrementAndGet();
      }
    }
  }
}
