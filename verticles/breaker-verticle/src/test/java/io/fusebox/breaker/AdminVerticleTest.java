package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.FuseboxError;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code fusebox.admin}: reads from the snapshot board, actions to every instance. */
class AdminVerticleTest extends BreakerTestSupport {

  @BeforeEach
  void deployAdminAndTwoBreakers() {
    await(vertx.deployVerticle(new AdminVerticle(SNAPSHOT_INTERVAL)));
    deploy("alpha", quiet().build());
    deploy("beta", quiet().build());
    latestSnapshot("beta");
  }

  private JsonObject admin(JsonObject request) {
    return await(vertx.eventBus().<JsonObject>request(Addresses.ADMIN, request)).body();
  }

  private FuseboxError adminError(Object request) {
    Throwable t = failure(vertx.eventBus().request(Addresses.ADMIN, request));
    ReplyException re = (ReplyException) t;
    return FuseboxError.parse(re.failureCode(), re.getMessage());
  }

  @Test
  void listAndGetShowSnapshotsOfEveryBreaker() {
    Awaitility.await("both breakers on the admin's board").untilAsserted(() ->
        assertThat(admin(new JsonObject().put("action", "list")).getJsonArray("breakers").stream()
            .map(b -> ((JsonObject) b).getString("breaker"))).containsExactly("alpha", "beta"));
    JsonObject get = admin(new JsonObject().put("action", "get").put("breaker", "alpha"));
    assertThat(get.getJsonArray("instances").getJsonObject(0).getString("node")).isEqualTo("node-test");
  }

  @Test
  void forceOpenThenCloseActsOnTheBreaker() {
    JsonObject reply = admin(new JsonObject().put("action", "force_open").put("breaker", "alpha"));
    assertThat(reply.getInteger("instances")).isEqualTo(1);
    awaitTransitionTo("alpha", "forced_open");
    assertThat(failedGet("alpha", "/a")).isInstanceOf(CircuitOpenException.class);
    assertThat(get("beta", "/b").body().getInteger("status")).as("other breakers are untouched").isEqualTo(200);
    admin(new JsonObject().put("action", "close").put("breaker", "alpha"));
    awaitTransitionTo("alpha", "closed");
    assertThat(get("alpha", "/a").body().getInteger("status")).isEqualTo(200);
    assertThat(transitions).extracting(t -> t.getString("reason")).contains("admin:force_open", "admin:close");
    assertThat(transitions).as("no one named, no override to carry").allMatch(t -> !t.containsKey("override"));
  }

  @Test
  void aForcedOpenTransitionSaysWhoForcedItAndWhy() {
    admin(new JsonObject().put("action", "force_open").put("breaker", "alpha").put("by", "alice")
        .put("reason", "db migration"));
    awaitTransitionTo("alpha", "forced_open");
    JsonObject forced = transitions.stream().filter(t -> "forced_open".equals(t.getString("to"))).findFirst().orElseThrow();
    assertThat(forced.getJsonObject("override").getString("by")).isEqualTo("alice");
    assertThat(forced.getJsonObject("override").getString("reason")).isEqualTo("db migration");
    admin(new JsonObject().put("action", "close").put("breaker", "alpha"));
    awaitTransitionTo("alpha", "closed");
  }

  @Test
  void disableAndResetWork() {
    admin(new JsonObject().put("action", "disable").put("breaker", "beta"));
    awaitTransitionTo("beta", "disabled");
    get("beta", "/b");
    admin(new JsonObject().put("action", "reset").put("breaker", "beta"));
    awaitTransitionTo("beta", "closed");
    JsonObject calls = latestSnapshot("beta").getJsonObject("calls");
    assertThat(calls.getLong("success")).as("reset clears the counts").isZero();
  }

  @Test
  void wrongAdminCallsAreRefusedWithTheirReason() {
    assertThat(adminError("force_open alpha").detail()).isEqualTo("the request must be a JSON object {\"action\", \"breaker\"}");
    FuseboxError unknownAction = adminError(new JsonObject().put("action", "explode").put("breaker", "alpha"));
    assertThat(unknownAction.detail()).isEqualTo("unknown action 'explode' (expected one of list, get, close, disable, force_open, reset, fallback_on, fallback_off)");
    assertThat(adminError(new JsonObject().put("action", "close")).detail()).isEqualTo("action 'close' needs a breaker name");
    FuseboxError unknownBreaker = adminError(new JsonObject().put("action", "close").put("breaker", "gamma"));
    assertThat(unknownBreaker.code().code()).isEqualTo(404);
    assertThat(unknownBreaker.detail()).startsWith("no breaker 'gamma' has reported");
  }
}
