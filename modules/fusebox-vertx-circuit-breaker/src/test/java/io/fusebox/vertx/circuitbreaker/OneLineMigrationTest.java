package io.fusebox.vertx.circuitbreaker;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.PublishedSnapshot;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's migration, as an application written for vertx-circuit-breaker would run it. */
class OneLineMigrationTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  /** Code written for vertx-circuit-breaker; only the line that creates the breaker changed. */
  private static final class Application {
    private final CircuitBreaker breaker;

    Application(Vertx vertx) {
      breaker = FuseboxCircuitBreaker.create("my-circuit-breaker", vertx,   // was: CircuitBreaker.create(
          new CircuitBreakerOptions().setMaxFailures(5).setTimeout(2000).setFallbackOnFailure(true).setResetTimeout(10000));
    }

    Future<String> greet(Supplier<Future<String>> remoteCall) {
      return breaker.executeWithFallback(remoteCall, failure -> "Hello (fallback)");
    }
  }

  @Test
  void theApplicationRunsUnchangedAndItsBreakerReportsToThePlatform() {
    List<JsonObject> snapshots = new CopyOnWriteArrayList<>();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, m -> snapshots.add(m.body())).completion());

    Application application = new Application(vertx);
    assertThat(await(application.greet(() -> Future.succeededFuture("Hello")))).isEqualTo("Hello");
    assertThat(await(application.greet(() -> Future.failedFuture("HTTP error")))).isEqualTo("Hello (fallback)");

    Awaitility.await().until(() -> snapshots.stream().anyMatch(s -> PublishedSnapshot.isOf(s, "my-circuit-breaker")));
    PublishedSnapshot reported = snapshots.stream().filter(s -> PublishedSnapshot.isOf(s, "my-circuit-breaker"))
        .map(PublishedSnapshot::fromJson).findFirst().orElseThrow();
    assertThat(reported.kind()).isEqualTo(PublishedSnapshot.IN_PROCESS);
    assertThat(reported.dependency()).isEqualTo("vertx-circuit-breaker");
  }
}
