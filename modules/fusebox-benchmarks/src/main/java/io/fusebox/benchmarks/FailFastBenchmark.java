package io.fusebox.benchmarks;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.protocol.FuseboxClientOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of being told "open": a caller asking an open breaker over the event bus (a 503 round
 * trip) next to a {@code fail_fast} client refusing the call from its own mirror.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class FailFastBenchmark {

  private static final String OPEN = "bench-open";

  private Vertx vertx;
  private FuseboxClient asking;
  private FuseboxClient failFast;
  private final JsonObject operation = new JsonObject().put("path", "/");

  @Setup(Level.Trial)
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    BreakerConfig config = BreakerConfig.builder().countWindow(100).build();
    vertx.deployVerticle(new BreakerVerticle(OPEN, config, "noop", new NoopAdapter(), "bench", Duration.ofMillis(100), NodeServices.metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))))
        .await(30, TimeUnit.SECONDS);
    vertx.eventBus().publish(Addresses.adminApply(OPEN), new JsonObject().put("action", "force_open"));
    asking = FuseboxClient.create(vertx);
    failFast = FuseboxClient.create(vertx, new FuseboxClientOptions().setFailFast(true));
    Future.all(asking.ready(), failFast.ready()).await(30, TimeUnit.SECONDS);
    Thread.sleep(500);
    if (!failFast.call(OPEN, operation).failed()) {
      throw new IllegalStateException("the fail-fast client does not see " + OPEN + " open");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @Benchmark
  public Throwable rejectedOverTheBus() {
    try {
      asking.call(OPEN, operation).await(10, TimeUnit.SECONDS);
      throw new IllegalStateException("an open breaker answered");
    } catch (Exception expected) {
      return expected;
    }
  }

  /** A caller asking its mirror what state a breaker is in: a map lookup and two field reads. */
  @Benchmark
  public BreakerState stateFromTheMirror() {
    return asking.state(OPEN);
  }

  @Benchmark
  public Throwable rejectedByFailFastMirror() {
    return failFast.call(OPEN, operation).cause();
  }
}
