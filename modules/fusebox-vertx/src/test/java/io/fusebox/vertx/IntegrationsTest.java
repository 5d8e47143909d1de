package io.fusebox.vertx;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.detectorsOff;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each integration against the real thing: an HTTP server started here, PostgreSQL, Redis, a Vert.x Web router. */
class IntegrationsTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private static BreakerConfig opensAfter(int failures) {
    return detectorsOff().consecutiveFailures(failures).consecutiveFailuresNoiseAware(false)
        .openTimeout(Duration.ofSeconds(30)).callTimeout(Duration.ofSeconds(5)).build();
  }

  private FuseboxBreaker breaker(String name, BreakerConfig config) throws Exception {
    return onContext(() -> FuseboxBreaker.create(vertx, name, config, new FuseboxBreakerOptions().publish(false)));
  }

  private <T> T onContext(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void theWebClientWrapperCountsByStatusAndHandsEveryResponseBack() throws Exception {
    HttpServer server = await(vertx.createHttpServer().requestHandler(request -> request.response()
        .setStatusCode(Integer.parseInt(request.path().substring(1))).end("status " + request.path())).listen(0, "127.0.0.1"));
    FuseboxBreaker breaker = breaker("catalog", opensAfter(2));
    FuseboxWebClient catalog = FuseboxWebClient.wrap(WebClient.create(vertx), breaker);
    int port = server.actualPort();

    assertThat(await(catalog.send(catalog.client().get(port, "127.0.0.1", "/200"))).statusCode()).isEqualTo(200);
    assertThat(await(catalog.send(catalog.client().get(port, "127.0.0.1", "/404"))).statusCode()).isEqualTo(404);
    HttpResponse<?> unavailable = await(catalog.send(catalog.client().get(port, "127.0.0.1", "/503")));
    assertThat(unavailable.statusCode()).as("a failure status is still the caller's answer").isEqualTo(503);
    BreakerSnapshot counted = onContext(breaker::snapshot);
    assertThat(counted.successCalls()).isEqualTo(1);
    assertThat(counted.ignoredCalls()).isEqualTo(1);
    assertThat(counted.failureCalls()).isEqualTo(1);

    await(catalog.send(catalog.client().get(port, "127.0.0.1", "/500")));
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    assertThat(failure(catalog.send(catalog.client().get(port, "127.0.0.1", "/200")))).isInstanceOf(CircuitOpenException.class);
  }

  @Test
  void theSqlClientWrapperTellsTheCallersMistakesFromTheDatabasesFailures() throws Exception {
    TestServices.Postgres pg = TestServices.postgres();
    Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
        .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password())).using(vertx).build();
    FuseboxBreaker breaker = breaker("orders", opensAfter(1));
    FuseboxSqlClient orders = FuseboxSqlClient.wrap(pool, breaker);

    assertThat(await(orders.preparedQuery("SELECT $1::int + 1 AS n", Tuple.of(41))).iterator().next().getInteger("n"))
        .isEqualTo(42);
    failure(orders.query("SELEKT 1"));
    failure(orders.query("SELECT 1/0"));
    String table = "fusebox_vertx_" + UUID.randomUUID().toString().replace("-", "");
    await(orders.withTransaction(c -> c.query("CREATE TEMP TABLE " + table + " (id int PRIMARY KEY)").execute()
        .compose(ok -> c.query("INSERT INTO " + table + " VALUES (1)").execute())));
    BreakerSnapshot counted = onContext(breaker::snapshot);
    assertThat(counted.ignoredCalls()).as("a syntax error and a division by zero are the caller's").isEqualTo(2);
    assertThat(counted.successCalls()).isEqualTo(2);
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);

    // a database that is not there is a failure, and one opens this breaker
    Pool nowhere = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(1)
        .setDatabase(pg.database()).setUser(pg.user())).using(vertx).build();
    failure(FuseboxSqlClient.wrap(nowhere, breaker).query("SELECT 1"));
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void theRedisWrapperTellsTheCallersMistakesFromTheServersFailures() throws Exception {
    TestServices.Redis r = TestServices.redis();
    Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://" + r.host() + ":" + r.port()));
    FuseboxBreaker breaker = breaker("cache", opensAfter(1));
    FuseboxRedis cache = FuseboxRedis.wrap(client, breaker);
    String key = "fusebox-vertx-" + UUID.randomUUID();

    await(cache.send(Request.cmd(Command.SET).arg(key).arg("v").arg("EX").arg(60)));
    assertThat(await(cache.send(Request.cmd(Command.GET).arg(key))).toString()).isEqualTo("v");
    assertThat(failureOf(cache.send(Request.cmd(Command.LPUSH).arg(key).arg("x")))).hasMessageStartingWith("WRONGTYPE");
    BreakerSnapshot counted = onContext(breaker::snapshot);
    assertThat(counted.ignoredCalls()).as("WRONGTYPE is the caller's").isEqualTo(1);
    assertThat(counted.successCalls()).isEqualTo(2);

    Redis nowhere = Redis.createClient(vertx, new RedisOptions().setConnectionString("redis://127.0.0.1:1"));
    assertThat(failureOf(FuseboxRedis.wrap(nowhere, breaker).send(Request.cmd(Command.PING)))).isNotNull();
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void theWebHandlerShedsForABreakerNamedAnywhereInThePlatform() throws Exception {
    FuseboxClient client = FuseboxClient.create(vertx);
    await(client.ready());
    FuseboxBreaker remote = onContext(() -> FuseboxBreaker.create(vertx, "ledger", opensAfter(1),
        new FuseboxBreakerOptions().snapshotInterval(Duration.ofMillis(100))));
    Router router = Router.router(vertx);
    router.route("/transfer").handler(ShedWhenOpen.named(client, "ledger")).handler(rc -> rc.response().end("moved"));
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebClient web = WebClient.create(vertx);

    assertThat(await(web.get(server.actualPort(), "127.0.0.1", "/transfer").send()).bodyAsString()).isEqualTo("moved");
    failure(remote.execute(() -> io.vertx.core.Future.failedFuture(new IllegalStateException("down"))));
    org.awaitility.Awaitility.await().until(() -> client.state("ledger") == BreakerState.OPEN);
    HttpResponse<?> shed = await(web.get(server.actualPort(), "127.0.0.1", "/transfer").send());
    assertThat(shed.statusCode()).isEqualTo(503);
    assertThat(shed.getHeader("Retry-After")).isEqualTo("1");
  }

  /** The failure a future ended with, whatever its type (the Redis client's error replies are no Exception). */
  private static Throwable failureOf(io.vertx.core.Future<?> future) throws Exception {
    Throwable failure = future.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(30, TimeUnit.SECONDS);
    assertThat(failure).as("the call failed").isNotNull();
    return failure;
  }

  @Test
  void theWebHandlerShedsARouteWhileItsBreakerIsOpen() throws Exception {
    FuseboxBreaker breaker = breaker("payments", opensAfter(1));
    Router router = Router.router(vertx);
    router.route("/checkout").handler(ShedWhenOpen.of(breaker)).handler(rc -> rc.response().end("paid"));
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    WebClient web = WebClient.create(vertx);

    assertThat(await(web.get(server.actualPort(), "127.0.0.1", "/checkout").send()).bodyAsString()).isEqualTo("paid");
    failure(breaker.execute(() -> io.vertx.core.Future.failedFuture(new IllegalStateException("down"))));
    HttpResponse<?> shed = await(web.get(server.actualPort(), "127.0.0.1", "/checkout").send());
    assertThat(shed.statusCode()).isEqualTo(503);
    assertThat(Long.parseLong(shed.getHeader("Retry-After"))).as("seconds until the breaker probes").isBetween(1L, 30L);
    assertThat(shed.bodyAsJsonObject().getString("breaker")).isEqualTo("payments");
  }
}
