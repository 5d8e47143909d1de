package io.fusebox.benchmarks;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.core.BreakerConfig;
import io.fusebox.protocol.Addresses;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request/reply through a breaker verticle (protecting a dependency that answers from memory) next
 * to a plain consumer that replies at once, with 1, 16 or 256 requests in flight.
 *
 * <p>The caller is a {@link BatchCaller}, keeping {@code inFlight} requests outstanding from its own
 * event loop. With one in flight, one over the throughput is the round trip.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 4, time = 2)
// Both paths allocate about 1 GB/s here; a fixed heap and the parallel collector keep G1's pauses
// and its concurrent threads from taking whole iterations off one core of two.
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class EventBusBenchmark {

  private static final String PLAIN = "bench.plain";
  private static final String BREAKER = "bench";

  @Param({"1", "16", "256"})
  public int inFlight;

  /**
   * {@code shared}: caller, consumer and breaker on one event loop, so that a call costs CPU only
   * and the figures show what each path costs. {@code separate}: each on its own event loop, as
   * deployed, where thread wake-ups on this 2-core machine dominate and vary from run to run.
   */
  @Param({"shared", "separate"})
  public String loops;

  private Vertx vertx;
  private static final JsonObject OPERATION = new JsonObject().put("path", "/");

  private BatchCaller caller;


  @Setup(Level.Trial)
  public void setup() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize("shared".equals(loops) ? 1 : 4));
    BreakerConfig config = BreakerConfig.builder().countWindow(100).maxConcurrentCalls(1024).build();
    await(vertx.deployVerticle(new PlainConsumerVerticle(PLAIN, false)));
    await(vertx.deployVerticle(new BreakerVerticle(BREAKER, config, "noop", new NoopAdapter(), "bench",
        Duration.ofSeconds(1), NodeServices.metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))));
    caller = new BatchCaller(inFlight, false);
    await(vertx.deployVerticle(caller));
    // a breaker that refused calls would measure rejections, not the breaker path
    runBatch(Addresses.call(BREAKER));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(60, TimeUnit.SECONDS);
  }

  private void runBatch(String address) throws Exception {
    int failed = await(caller.run(() -> vertx.eventBus().request(address, OPERATION)));
    if (failed > 0) {
      throw new IllegalStateException(failed + " of " + BatchCaller.BATCH + " requests to " + address + " failed");
    }
  }

  @Benchmark
  @OperationsPerInvocation(BatchCaller.BATCH)
  public void plainConsumer() throws Exception {
    runBatch(PLAIN);
  }

  @Benchmark
  @OperationsPerInvocation(BatchCaller.BATCH)
  public void throughBreaker() throws Exception {
    runBatch(Addresses.call(BREAKER));
  }
}
