package io.fusebox.benchmarks;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.platform.Clustering;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.FuseboxClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 * The clustered path: a caller on one node, a breaker verticle (protecting a dependency that
 * answers from memory) on another, the two nodes joined over Hazelcast on loopback in one JVM, each
 * with its own event loops; against a plain consumer on the second node that replies at once. The
 * breaker is called as an application calls it, through {@link FuseboxClient} (which chooses the
 * instance and keeps the call under its node); the plain consumer through the event bus.
 *
 * <p>One operation is one request; the {@link BatchCaller} keeps {@code inFlight} outstanding from its
 * own event loop. It also times each round trip and prints the median and 99th percentile of each iteration
 * ({@code round trip p50 ... p99 ...}), which JMH's throughput does not show.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ClusteredBenchmark {

  private static final String PLAIN = "bench.plain";
  private static final String PLAIN_READING = "bench.plain.reading";
  private static final String BREAKER = "bench";
  /** What every path is sent; the event bus copies or encodes it for each request. */
  private static final JsonObject OPERATION = new JsonObject().put("method", "GET").put("path", "/");
  private static final int HAZELCAST_PORT = 5_901;

  @Param({"1", "16", "256"})
  public int inFlight;

  /**
   * {@code shared}: one event loop a node, so that on each node the connection, the consumer or
   * breaker and the caller share it, and the figures show what each path costs. {@code separate}:
   * Vert.x's default loops, where it depends on the order of deployment whether a consumer shares
   * its loop with the connection that brings its requests (one thread wake-up a call less), and
   * wake-ups on this 2-core machine dominate.
   */
  @Param({"shared", "separate"})
  public String loops;

  private Vertx callerNode;
  private Vertx breakerNode;
  private FuseboxClient client;
  private BatchCaller caller;


  @Setup(Level.Trial)
  public void setup() throws Exception {
    List<String> members = List.of("127.0.0.1:" + HAZELCAST_PORT, "127.0.0.1:" + (HAZELCAST_PORT + 1));
    int eventLoops = "shared".equals(loops) ? 1 : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    breakerNode = join("bench-b", members, eventLoops);
    callerNode = join("bench-a", members, eventLoops);
    BreakerConfig config = BreakerConfig.builder().countWindow(100).maxConcurrentCalls(1024).build();
    await(breakerNode.deployVerticle(new PlainConsumerVerticle(PLAIN, false)));
    await(breakerNode.deployVerticle(new PlainConsumerVerticle(PLAIN_READING, true)));
    await(breakerNode.deployVerticle(new BreakerVerticle(BREAKER, config, "noop", new NoopAdapter(), "bench-b",
        Duration.ofSeconds(1), NodeServices.metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))));
    client = FuseboxClient.create(callerNode);
    await(client.ready());
    caller = new BatchCaller(inFlight, true);
    await(callerNode.deployVerticle(caller));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (client.state(BREAKER) == null) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("the caller's node never heard of the breaker's instance");
      }
      Thread.sleep(50); // setup only: waits for the first snapshot to cross the cluster
    }
    runBatch(this::throughTheBreaker);
  }

  private static Vertx join(String name, List<String> members, int eventLoops) throws Exception {
    FuseboxConfig.Cluster cluster = new FuseboxConfig.Cluster("127.0.0.1", HAZELCAST_PORT, members);
    return await(Clustering.join(new VertxOptions().setEventLoopPoolSize(eventLoops), cluster,
        Clustering.manager(cluster, name)));
  }

  private Future<?> throughTheBreaker() {
    return client.http(BREAKER).get("/");
  }

  private Future<?> request(String address) {
    return callerNode.eventBus().request(address, OPERATION);
  }

  @TearDown(Level.Iteration)
  public void printRoundTrips() throws Exception {
    System.out.println("round trip " + await(caller.percentiles()));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    await(callerNode.close());
    await(breakerNode.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.await(60, TimeUnit.SECONDS);
  }

  private void runBatch(Supplier<Future<?>> request) throws Exception {
    int failed = await(caller.run(request));
    if (failed > 0) {
      throw new IllegalStateException(failed + " of " + BatchCaller.BATCH + " requests failed");
    }
  }

  @Benchmark
  @OperationsPerInvocation(BatchCaller.BATCH)
  public void plainClustered() throws Exception {
    runBatch(() -> request(PLAIN));
  }

  /** As {@link #plainClustered}, to a consumer that reads the request (decodes it) before it replies. */
  @Benchmark
  @OperationsPerInvocation(BatchCaller.BATCH)
  public void plainClusteredReading() throws Exception {
    runBatch(() -> request(PLAIN_READING));
  }

  @Benchmark
  @OperationsPerInvocation(BatchCaller.BATCH)
  public void breakerByEventBus() throws Exception {
    runBatch(() -> request(Addresses.call(BREAKER)));
  }

  @Benchmark
  @OperationsPerInvocation(BatchCaller.BATCH)
  public void throughBreaker() throws Exception {
    runBatch(this::throughTheBreaker);
  }
}
