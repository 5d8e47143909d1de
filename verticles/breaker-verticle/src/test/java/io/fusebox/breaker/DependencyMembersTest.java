package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A service of two hosts, one of them down: the breaker's snapshot shows its members and the ejection. */
class DependencyMembersTest extends BreakerTestSupport {

  @Test
  void theSnapshotShowsTheMembersAndWhichIsEjected() throws IOException {
    int nobody = FreePorts.next();
    String up = upstream.baseUrl().replace("http://", "");
    FuseboxConfig.Service service = new FuseboxConfig.Service("spread", "default", quiet().build(),
        Map.of("type", "http", "base_url", upstream.baseUrl(), "hosts", List.of(up, "127.0.0.1:" + nobody)), List.of());
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-test", SNAPSHOT_INTERVAL, services())));
    for (int i = 0; i < 20; i++) {
      client.http("spread").get("/a").otherwiseEmpty().await();
    }

    JsonObject pool = Awaitility.await("the members in a snapshot").atMost(Duration.ofSeconds(5)).until(() ->
        latestSnapshot("spread").getJsonObject("pool"), p -> p != null
            && "ejected".equals(p.getJsonArray("members").getJsonObject(1).getString("state")));
    JsonArray members = pool.getJsonArray("members");
    assertThat(members.getJsonObject(0).getString("member")).isEqualTo(up);
    assertThat(members.getJsonObject(0).getString("state")).isEqualTo("in");
    assertThat(members.getJsonObject(1).getInteger("ejections")).isEqualTo(1);
    assertThat(members.getJsonObject(1).getLong("calls")).as("calls to the dead member").isEqualTo(5);
  }
}
