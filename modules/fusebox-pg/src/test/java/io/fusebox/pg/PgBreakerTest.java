package io.fusebox.pg;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.DependencyRejectedException;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.protocol.FuseboxException;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.protocol.PgCalls;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.TestServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The PostgreSQL adapter against the real database, behind a fault-injection proxy. */
class PgBreakerTest {

  /** Names this test's connections, so that counts at the shared server are this test's alone. */
  private static final String APP = "fusebox-test-" + ProcessHandle.current().pid();

  private Vertx vertx;
  private TestServices.Postgres pg;
  private FaultProxy proxy;
  private Pool direct;
  private FuseboxClient client;
  private BreakerHarness harness;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pg = TestServices.postgres();
    proxy = await(FaultProxy.start(vertx, pg.host(), pg.port()));
    direct = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
        .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password())).using(vertx).build();
    await(direct.query("""
        CREATE TABLE IF NOT EXISTS fusebox_orders (
          id serial PRIMARY KEY, sku text NOT NULL UNIQUE, qty int CHECK (qty > 0), price numeric(10,2),
          created timestamptz DEFAULT now(), tags text[], meta jsonb, blob bytea)""").execute());
    await(direct.query("TRUNCATE fusebox_orders").execute());
    client = FuseboxClient.create(vertx);
    harness = new BreakerHarness(vertx);
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private void deploy(String name, BreakerConfig config, Duration probe) {
    Map<String, Object> dependency = new HashMap<>(Map.of("type", "pg", "host", proxy.host(), "port", proxy.port(),
        "database", pg.database(), "user", pg.user(), "pool_size", 4, "max_wait_queue", 32, "application_name", APP));
    dependency.put("password", pg.password());
    FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default", config, dependency, List.of(), probe);
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-pg", Duration.ofMillis(200),
        NodeServices.metrics(new SimpleMeterRegistry()))));
    // a cold JVM's first connection (TCP, startup, authentication) can take longer than a test's
    // short call timeout on a busy machine: the tests start once the breaker's pool answers
    Awaitility.await("the breaker's first answer").atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> await(client.pg(name).query("SELECT 1 AS warm")));
  }

  /** A call timeout that a cold first use of a type (numeric, arrays, jsonb) stays well inside. */
  private static BreakerConfigBuilder quiet() {
    return BreakerHarness.detectorsOff().callTimeout(Duration.ofSeconds(3)).openTimeout(Duration.ofMillis(500));
  }

  private PgCalls orders() {
    return client.pg("orders");
  }

  @Test
  void queriesReturnRowsWithPostgresTypesAsJson() {
    deploy("orders", quiet().build(), null);
    FuseboxReply insert = await(orders().query(
        "INSERT INTO fusebox_orders (sku, qty, price, tags, meta, blob) VALUES ($1, $2, $3::numeric, $4::text[], $5::jsonb, decode($6, 'hex')) RETURNING id",
        "A-1", 3, 12.5, new JsonArray().add("red").add("xl"), new JsonObject().put("gift", true), "cafe"));
    assertThat(insert.body().getInteger("row_count")).isEqualTo(1);
    JsonObject row = await(orders().query("SELECT sku, qty, price, created, tags, meta, blob FROM fusebox_orders WHERE sku = $1", "A-1"))
        .body().getJsonArray("rows").getJsonObject(0);
    assertThat(row.getString("sku")).isEqualTo("A-1");
    assertThat(row.getInteger("qty")).isEqualTo(3);
    assertThat(row.getValue("price").toString()).isEqualTo("12.50");
    assertThat(row.getString("created")).matches("\\d{4}-\\d{2}-\\d{2}T.*");
    assertThat(row.getJsonArray("tags")).containsExactly("red", "xl");
    assertThat(row.getJsonObject("meta")).isEqualTo(new JsonObject().put("gift", true));
    assertThat(row.getString("blob")).isEqualTo("yv4=");
    assertThat(failure(orders().query("SELECT $1::int AS n", "seven"))).as("a parameter of the wrong type is the caller's")
        .isInstanceOf(DependencyRejectedException.class);
  }

  @Test
  void anOutageOpensTheBreakerAndRecoveryClosesIt() {
    deploy("orders", quiet().consecutiveFailures(3).successThreshold(2).build(), null);
    await(orders().query("SELECT 1 AS one"));
    proxy.refuse().resetConnections();
    for (int i = 0; i < 3; i++) {
      assertThat(failure(orders().query("SELECT 1 AS one"))).isInstanceOf(FuseboxException.class);
    }
    harness.awaitTransition("orders", "open", 1, 5000);
    long connections = proxy.connectionsAccepted();
    long start = System.nanoTime();
    assertThat(failure(orders().query("SELECT 1 AS one"))).isInstanceOf(CircuitOpenException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("an open breaker answers fast").isLessThan(Duration.ofMillis(100));
    assertThat(proxy.connectionsAccepted()).isEqualTo(connections);
    proxy.healthy();
    harness.awaitTransition("orders", "half_open", 1, 5000);
    await(orders().query("SELECT 1 AS one"));
    await(orders().query("SELECT 1 AS one"));
    harness.awaitTransition("orders", "closed", 1, 5000);
  }

  @Test
  void aHangingDatabaseTimesOutAndOpensTheBreaker() {
    deploy("orders", quiet().consecutiveFailures(2).callTimeout(Duration.ofMillis(500)).build(), null);
    await(orders().query("SELECT 1 AS one"));
    proxy.hang();
    assertThat(((FuseboxException) failure(orders().query("SELECT pg_sleep(0)"))).code()).isEqualTo(504);
    assertThat(((FuseboxException) failure(orders().query("SELECT pg_sleep(0)"))).code()).isEqualTo(504);
    harness.awaitTransition("orders", "open", 1, 5000);
    proxy.healthy();
    harness.awaitTransition("orders", "half_open", 1, 5000);
    await(orders().query("SELECT 1 AS one"));
  }

  @Test
  void callerErrorsAreAnswered422AndNeverOpenTheBreaker() {
    deploy("orders", quiet().consecutiveFailures(2).failureRate(0.5).minimumCalls(2).countWindow(2).build(), null);
    await(orders().query("INSERT INTO fusebox_orders (sku, qty) VALUES ($1, 1)", "DUP"));
    for (int i = 0; i < 30; i++) {
      Throwable syntax = failure(orders().query("SELEKT nonsense"));
      assertThat(syntax).isInstanceOf(DependencyRejectedException.class).hasMessageContaining("SQLSTATE 42601");
      Throwable unique = failure(orders().query("INSERT INTO fusebox_orders (sku, qty) VALUES ($1, 1)", "DUP"));
      assertThat(unique).isInstanceOf(DependencyRejectedException.class).hasMessageContaining("SQLSTATE 23505");
      Throwable data = failure(orders().query("SELECT 1 / $1::int", 0));
      assertThat(data).isInstanceOf(DependencyRejectedException.class).hasMessageContaining("SQLSTATE 22012");
      Throwable tooFew = failure(orders().query("SELECT $1::int + $2::int", 1));
      assertThat(tooFew).as("a wrong number of parameters").isInstanceOf(DependencyRejectedException.class);
      Throwable wrongType = failure(orders().query("SELECT $1::int", "not a number"));
      assertThat(wrongType).as("a parameter of the wrong type").isInstanceOf(DependencyRejectedException.class);
      Throwable nul = failure(orders().query("SELECT $1::text", "a\u0000b"));
      assertThat(nul).as("a NUL in a text parameter").isInstanceOf(DependencyRejectedException.class);
    }
    BreakerHarness.holdsFor(Duration.ofMillis(300), () -> harness.transitions().isEmpty());
    assertThat(harness.state("orders")).isEqualTo("closed");
  }

  @Test
  void aTransactionThatFailsHalfWayLeavesNoPartialWrite() {
    deploy("orders", quiet().build(), null);
    Throwable t = failure(orders().transaction(List.of(
        PgCalls.statement("INSERT INTO fusebox_orders (sku, qty) VALUES ($1, $2)", "TX-1", 1),
        PgCalls.statement("INSERT INTO fusebox_orders (sku, qty) VALUES ($1, $2)", "TX-2", -5))));
    assertThat(t).isInstanceOf(DependencyRejectedException.class).hasMessageContaining("SQLSTATE 23514");
    assertThat(await(direct.query("SELECT count(*) AS n FROM fusebox_orders WHERE sku LIKE 'TX-%'").execute())
        .iterator().next().getLong("n")).isZero();
    FuseboxReply ok = await(orders().transaction(List.of(
        PgCalls.statement("INSERT INTO fusebox_orders (sku, qty) VALUES ($1, $2)", "TX-1", 1),
        PgCalls.statement("SELECT count(*) AS n FROM fusebox_orders WHERE sku = $1", "TX-1"))));
    assertThat(ok.body().getJsonArray("results").getJsonObject(1).getJsonArray("rows").getJsonObject(0).getLong("n")).isEqualTo(1);
  }

  @Test
  void thousandsOfFailingAndTimedOutCallsLeaveNoStuckConnections() {
    deploy("orders", quiet().callTimeout(Duration.ofMillis(150)).build(), null);
    await(orders().query("SELECT 1 AS one"));
    for (Runnable fault : List.<Runnable>of(proxy::hang, () -> proxy.healthy().refuse().resetConnections(),
        () -> proxy.healthy().dropAfter(200).resetConnections())) {
      fault.run();
      BreakerHarness.burst(vertx, 700, 50, () -> orders().query("SELECT 1 AS one"));
      proxy.healthy();
    }
    proxy.resetConnections();
    // the pool replaces the connections the reset broke
    Awaitility.await().untilAsserted(() -> await(orders().query("SELECT 1 AS one")));
    for (int i = 0; i < 20; i++) {
      assertThat(await(orders().query("SELECT $1::int AS n", i)).body().getJsonArray("rows").getJsonObject(0).getInteger("n")).isEqualTo(i);
    }
    long connections = await(direct.preparedQuery("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1")
        .execute(Tuple.of(APP))).iterator().next().getLong("n");
    assertThat(connections).as("the server sees no more than the pool's 4 connections").isBetween(1L, 4L);
  }

  @Test
  void activeProbesKeepCallersAwayAndCloseTheBreakerOnceTheFaultIsGone() {
    deploy("orders", quiet().consecutiveFailures(2).successThreshold(2).build(), Duration.ofMillis(200));
    await(orders().query("SELECT 1 AS one"));
    proxy.refuse().resetConnections();
    failure(orders().query("SELECT 1 AS one"));
    failure(orders().query("SELECT 1 AS one"));
    harness.awaitTransition("orders", "open", 1, 5000);
    proxy.watch("caller-marker");
    BreakerHarness.holdsFor(Duration.ofMillis(2500),
        () -> failure(orders().query("SELECT 'caller-marker' AS m")) instanceof CircuitOpenException);
    assertThat(harness.state("orders")).as("the synthetic checks keep it from closing while the fault lasts").isNotEqualTo("closed");
    assertThat(harness.transitions().stream().filter(t -> "half_open".equals(t.getString("to"))).count())
        .as("it went half-open and the probes failed").isPositive();
    proxy.healthy();
    harness.awaitTransition("orders", "closed", 1, 10_000);
    assertThat(proxy.watchedSeen()).as("no caller request reached the database while open or half-open").isZero();
    await(orders().query("SELECT 'caller-marker' AS m"));
    assertThat(proxy.watchedSeen()).isPositive();
  }
}
