package io.fusebox.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.config.ConfigException;
import io.fusebox.config.ConfigLoader;
import io.fusebox.testkit.BreakerHarness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An HTTP service of four real servers behind one adapter: a failing member is ejected after a few
 * calls and gets almost none while it is bad, comes back once it heals, and when most members fail
 * the pool panics and spreads calls over all of them.
 */
class HttpMembersTest {

  private static final int MEMBERS = 4;

  private final Vertx vertx = Vertx.vertx();
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<AtomicInteger> received = new ArrayList<>();
  private final List<AtomicBoolean> failing = new ArrayList<>();
  private DependencyAdapter adapter;

  @BeforeEach
  void startMembers() {
    for (int i = 0; i < MEMBERS; i++) {
      AtomicInteger count = new AtomicInteger();
      AtomicBoolean fails = new AtomicBoolean();
      received.add(count);
      failing.add(fails);
      servers.add(BreakerHarness.await(vertx.createHttpServer().requestHandler(request -> {
        count.incrementAndGet();
        request.response().setStatusCode(fails.get() ? 503 : 200).end("{}");
      }).listen(0, "127.0.0.1")));
    }
  }

  @AfterEach
  void stop() {
    if (adapter != null) {
      BreakerHarness.await(adapter.close());
    }
    BreakerHarness.await(vertx.close());
  }

  private DependencyAdapter adapter(String baseEjection) {
    JsonArray hosts = new JsonArray();
    servers.forEach(s -> hosts.add("127.0.0.1:" + s.actualPort()));
    return new HttpAdapterFactory().create(vertx, new JsonObject().put("type", "http")
        .put("base_url", "http://127.0.0.1:" + servers.get(0).actualPort()).put("hosts", hosts).put("pool_size", 4)
        .put("ejection", new JsonObject().put("consecutive_failures", 5).put("base_ejection", baseEjection)));
  }

  /** Calls one after the other, as one caller would; how many failed. */
  private int call(int times) {
    int failed = 0;
    for (int i = 0; i < times; i++) {
      CallResult r = BreakerHarness.await(adapter.call(new JsonObject().put("path", "/"), 2_000, null));
      if (r.reply() == null) {
        failed++;
      }
    }
    return failed;
  }

  @Test
  void aFailingMemberIsEjectedAfterFiveCallsAndComesBackOnceHealed() {
    // ejected for longer than the 2,000 calls take on a loaded machine (a CI run took over 2 s)
    adapter = adapter("5s");
    failing.get(2).set(true);

    int failed = call(2_000);

    assertThat(received.get(2).get()).as("calls that reached the failing member").isLessThanOrEqualTo(5);
    assertThat(failed).isEqualTo(received.get(2).get());
    assertThat((double) received.get(2).get() / 2_000).as("share of calls it got while bad").isLessThanOrEqualTo(0.005);
    JsonObject bad = adapter.pool().getJsonArray("members").getJsonObject(2);
    assertThat(bad.getString("state")).isEqualTo("ejected");
    assertThat(bad.getInteger("ejections")).isEqualTo(1);
    assertThat(adapter.pool().getLong("panics")).isZero();

    failing.get(2).set(false);
    int before = received.get(2).get();
    Awaitility.await("the healed member back in").atMost(Duration.ofSeconds(10)).until(() -> {
      call(8);
      return received.get(2).get() > before + 2;
    });
    assertThat(adapter.pool().getJsonArray("members").getJsonObject(2).getString("state")).isEqualTo("in");
  }

  @Test
  void withThreeOfFourFailingThePoolPanicsAndSendsToAll() {
    adapter = adapter("30s");
    for (int i = 1; i < MEMBERS; i++) {
      failing.get(i).set(true);
    }

    call(400);

    for (int i = 0; i < MEMBERS; i++) {
      assertThat(received.get(i).get()).as("calls that reached member " + i).isGreaterThan(60);
    }
    assertThat(adapter.pool().getLong("panics")).isPositive();
  }

  @Test
  void membersAndEjectionThatCannotWorkAreRefusedWithTheirKeyPaths() {
    assertThatThrownBy(() -> new ConfigLoader().parse("""
        circuit_breakers:
          services:
            spread:
              dependency:
                type: http
                base_url: "http://127.0.0.1:9000"
                hosts: ["127.0.0.1:9001", "no-port"]
                ejection: { consecutive_failures: 0, panic_threshold: 2, base_ejection: 5ms }
        """, false, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems())
            .anySatisfy(p -> assertThat(p).startsWith("circuit_breakers.services.spread.dependency.hosts[1]: not a host:port"))
            .anySatisfy(p -> assertThat(p).startsWith("circuit_breakers.services.spread.dependency.ejection.panic_threshold"))
            .anySatisfy(p -> assertThat(p).startsWith("circuit_breakers.services.spread.dependency.ejection.consecutive_failures"))
            .anySatisfy(p -> assertThat(p).startsWith("circuit_breakers.services.spread.dependency.ejection.base_ejection")));
  }

  @Test
  void aSingleHostServiceHasNoPool() {
    adapter = new HttpAdapterFactory().create(vertx, new JsonObject().put("type", "http")
        .put("base_url", "http://127.0.0.1:" + servers.get(0).actualPort()));
    assertThat(call(3)).isZero();
    assertThat(adapter.pool()).isNull();
    assertThat(received.get(0).get()).isEqualTo(3);
  }
}
