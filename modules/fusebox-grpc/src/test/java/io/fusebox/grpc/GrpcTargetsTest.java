package io.fusebox.grpc;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.testkit.FaultProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two real gRPC servers as targets of one service, one behind a proxy that refuses: it is ejected. */
class GrpcTargetsTest {

  private static final String DESCRIPTOR = Path.of("target", "test-classes", "echo.desc").toAbsolutePath().toString();

  private final Vertx vertx = Vertx.vertx();
  private EchoServer good;
  private EchoServer behindBad;
  private FaultProxy bad;
  private DependencyAdapter adapter;

  @BeforeEach
  void start() {
    good = await(new EchoServer().start(vertx));
    behindBad = await(new EchoServer().start(vertx));
    bad = await(FaultProxy.start(vertx, "127.0.0.1", behindBad.port()));
    adapter = new GrpcAdapterFactory().create(vertx, new JsonObject().put("type", "grpc").put("port", good.port())
        .put("descriptor_set", DESCRIPTOR).put("service", "fusebox.test.Echo")
        .put("targets", new JsonArray(List.of("127.0.0.1:" + good.port(), bad.host() + ":" + bad.port())))
        .put("ejection", new JsonObject().put("consecutive_failures", 3).put("base_ejection", "30s")));
    await(adapter.ready());
  }

  @AfterEach
  void stop() {
    await(adapter.close());
    await(vertx.close());
  }

  @Test
  void aRefusingTargetIsEjectedAndTheOtherTakesTheCalls() {
    bad.refuse();
    int failed = 0;
    for (int i = 0; i < 30; i++) {
      CallResult r = await(adapter.call(new JsonObject().put("method", "Say")
              .put("message", new JsonObject().put("text", "hi").put("times", 1)), 2_000, null)
          .recover(failure -> Future.succeededFuture(CallResult.failure(failure.getMessage()))));
      if (r.reply() == null) {
        failed++;
      }
    }

    assertThat(failed).as("calls lost to the refusing target before its ejection").isEqualTo(3);
    JsonArray members = adapter.pool().getJsonArray("members");
    assertThat(members.getJsonObject(1).getString("state")).isEqualTo("ejected");
    assertThat(good.calls()).isEqualTo(27);
    assertThat(behindBad.calls()).isZero();
  }
}
