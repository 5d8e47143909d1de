package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.SnapshotBoard;
import io.fusebox.protocol.SnapshotDemand;
import io.fusebox.testkit.BreakerHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A board that starts after the breakers (a node joining a cluster, a dashboard deployed after the
 * fleet) lists every one of them at once, though quiet breakers would send their snapshot only at
 * their next sign of life, intervals away.
 */
class SnapshotDemandTest {

  /** Long enough that a breaker's next sign of life is far beyond the test's wait. */
  private static final Duration INTERVAL = Duration.ofSeconds(20);

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aBoardThatStartsLateIsToldEveryBreakersSnapshotAtOnce() throws Exception {
    SnapshotDemand.listen(vertx).ready().await(5, TimeUnit.SECONDS);
    for (String name : List.of("a", "b", "c")) {
      // never called: the dependency's pool connects on first use
      FuseboxConfig.Service service = new FuseboxConfig.Service(name, "default",
          BreakerHarness.detectorsOff().build(), Map.of("type", "http", "base_url", "http://127.0.0.1:9"), List.of());
      vertx.deployVerticle(new BreakerVerticle(service, "node-test", INTERVAL, NodeServices.metrics(new SimpleMeterRegistry())))
          .await(10, TimeUnit.SECONDS);
    }
    Context context = vertx.getOrCreateContext();
    SnapshotBoard board = onContext(context, () -> new SnapshotBoard(vertx, INTERVAL));

    Awaitility.await("the late board lists every breaker").atMost(Duration.ofSeconds(2))
        .until(() -> onContext(context, board::all).size() == 3);
    assertThat(onContext(context, board::all)).extracting(s -> s.getString("breaker")).containsExactly("a", "b", "c");
  }

  /** The board is used on one event loop, as its owner verticle would. */
  private static <T> T onContext(Context context, Supplier<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(work.get()));
    return result.get(5, TimeUnit.SECONDS);
  }
}
