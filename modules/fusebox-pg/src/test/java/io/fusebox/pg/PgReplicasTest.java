package io.fusebox.pg;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.Outcome;
import io.fusebox.testkit.FaultProxy;
import io.fusebox.testkit.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Read replicas of the real PostgreSQL, each reached through its own TCP fault proxy (one server
 * stands in for a primary and two replicas): reads go to the replicas and a replica that refuses
 * connections is ejected after a few calls; writes stay on the primary.
 */
class PgReplicasTest {

  private final Vertx vertx = Vertx.vertx();
  private TestServices.Postgres pg;
  private FaultProxy primary;
  private FaultProxy good;
  private FaultProxy bad;
  private DependencyAdapter adapter;

  @BeforeEach
  void start() {
    pg = TestServices.postgres();
    primary = await(FaultProxy.start(vertx, pg.host(), pg.port()));
    good = await(FaultProxy.start(vertx, pg.host(), pg.port()));
    bad = await(FaultProxy.start(vertx, pg.host(), pg.port()));
    adapter = new PgAdapterFactory().create(vertx, new JsonObject().put("type", "pg")
        .put("host", primary.host()).put("port", primary.port()).put("database", pg.database()).put("user", pg.user())
        .put("password", pg.password()).put("pool_size", 2)
        .put("read_replicas", new JsonArray(List.of(good.host() + ":" + good.port(), bad.host() + ":" + bad.port())))
        .put("ejection", new JsonObject().put("consecutive_failures", 3).put("base_ejection", "30s")));
  }

  @AfterEach
  void stop() {
    await(adapter.close());
    await(vertx.close());
  }

  private CallResult call(String sql) {
    return await(adapter.call(new JsonObject().put("sql", sql), 3_000, null)
        .recover(failure -> Future.succeededFuture(CallResult.failure(failure.getMessage()))));
  }

  @Test
  void readsGoToTheReplicasAndARefusingOneIsEjected() {
    bad.refuse();
    int failed = 0;
    for (int i = 0; i < 40; i++) {
      if (call("SELECT " + i + " AS n").reply() == null) {
        failed++;
      }
    }

    assertThat(failed).as("reads lost to the refusing replica before its ejection").isEqualTo(3);
    JsonArray members = adapter.pool().getJsonArray("members");
    assertThat(members.getJsonObject(1).getString("state")).isEqualTo("ejected");
    assertThat(members.getJsonObject(0).getString("state")).isEqualTo("in");
    assertThat(members.getJsonObject(0).getLong("calls")).as("reads the good replica took").isEqualTo(37);
    assertThat(primary.connectionsAccepted()).as("no read reached the primary").isZero();
  }

  @Test
  void writesAndTransactionsStayOnThePrimary() {
    assertThat(call("CREATE TEMP TABLE IF NOT EXISTS fusebox_replica_probe (n int)").outcome())
        .isNotEqualTo(Outcome.FAILURE);
    assertThat(primary.connectionsAccepted()).isPositive();
    assertThat(good.connectionsAccepted() + bad.connectionsAccepted()).as("replica connections").isZero();
  }
}
