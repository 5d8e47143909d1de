package io.fusebox.benchmarks;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.core.BreakerConfig;
import io.fusebox.protocol.Addresses;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request/reply through a breaker verticle (protecting a dependency that answers from memory) next
 * to a plain consumer that replies at once, with 1, 16 or 256 requests in flight. Each operation
 * sends one request once fewer than {@code inFlight} are outstanding, so throughput is bounded by
 * replies; with one in flight, one over the throughput is the round trip.
 */
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class EventBusBenchmark {

  private static final String PLAIN = "bench.plain";
  private static final String BREAKER = "bench";

  @Param({"1", "16", "256"})
  public int inFlight;

  private Vertx vertx;
  private Semaphore outstanding;
  private final JsonObject operation = new JsonObject().put("path", "/");

  /** The plain path: a consumer on its own event loop, as the breaker verticle is. */
  private static final class PlainVerticle extends VerticleBase {
    @Override
    public Future<?> start() {
      return vertx.eventBus().<JsonObject>consumer(PLAIN, m -> m.reply(NoopAdapter.REPLY)).completion();
    }
  }

  @Setup(Level.Trial)
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    BreakerConfig config = BreakerConfig.builder().countWindow(100).maxConcurrentCalls(1024).build();
    await(vertx.deployVerticle(new PlainVerticle()));
    await(vertx.deployVerticle(new BreakerVerticle(BREAKER, config, "noop", new NoopAdapter(), "bench",
        Duration.ofSeconds(1), NodeServices.metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))));
    outstanding = new Semaphore(inFlight);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    outstanding.acquire(inFlight);
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(30, TimeUnit.SECONDS);
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void plainConsumer() throws InterruptedException {
    outstanding.acquire();
    vertx.eventBus().request(PLAIN, operation).onComplete(ar -> outstanding.release());
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void throughBreaker() throws InterruptedException {
    outstanding.acquire();
    vertx.eventBus().request(Addresses.call(BREAKER), operation).onComplete(ar -> outstanding.release());
  }
}
