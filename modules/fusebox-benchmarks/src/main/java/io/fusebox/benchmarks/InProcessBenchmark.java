package io.fusebox.benchmarks;

import io.fusebox.core.BreakerConfig;
import io.fusebox.vertx.FuseboxBreaker;
import io.fusebox.vertx.FuseboxBreakerOptions;
import io.fusebox.vertx.circuitbreaker.FuseboxCircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A closed breaker around an operation that returns a completed future, called where Vert.x code
 * calls it: on the breaker's event loop. Each invocation runs {@value #BATCH} calls in one task on
 * that loop (the hand-over to it, some 30 µs, is spread over the batch: under 1 ns per call), side by side with
 * vertx-circuit-breaker, Resilience4j's decorated completion stage, the drop-in adapter, and no
 * breaker at all. {@link #hoppedFromAnotherThread} is one call from a thread that is not the
 * breaker's, answered back: the cost of the hop there and the completion seen here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class InProcessBenchmark {

  static final int BATCH = 100_000;

  private Vertx vertx;
  private Context context;
  private FuseboxBreaker fusebox;
  private CircuitBreaker vertxBreaker;
  private CircuitBreaker dropIn;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j;
  private final Future<String> done = Future.succeededFuture("ok");
  private final Supplier<Future<String>> operation = () -> done;
  private final CompletableFuture<String> doneStage = CompletableFuture.completedFuture("ok");
  private Supplier<CompletionStage<String>> decorated;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    CompletableFuture<Void> created = new CompletableFuture<>();
    context.runOnContext(v -> {
      fusebox = FuseboxBreaker.create(vertx, "bench", BreakerConfig.builder().countWindow(100)
          .callTimeout(Duration.ofSeconds(10)).build(), new FuseboxBreakerOptions().publish(false));
      vertxBreaker = CircuitBreaker.create("bench-vertx", vertx, new CircuitBreakerOptions().setTimeout(10_000));
      dropIn = FuseboxCircuitBreaker.create("bench-drop-in", vertx, new CircuitBreakerOptions().setTimeout(10_000));
      created.complete(null);
    });
    created.get(10, TimeUnit.SECONDS);
    resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench",
        CircuitBreakerConfig.custom().slidingWindowSize(100).build());
    decorated = io.github.resilience4j.circuitbreaker.CircuitBreaker.decorateCompletionStage(resilience4j, () -> doneStage);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs the batch as one task on the breakers' event loop and waits for it. */
  private void onLoop(Runnable batch) {
    CompletableFuture<Void> ran = new CompletableFuture<>();
    context.runOnContext(v -> {
      batch.run();
      ran.complete(null);
    });
    ran.join();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void noBreaker(Blackhole bh) {
    onLoop(() -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(operation.get());
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void fuseboxInProcess(Blackhole bh) {
    onLoop(() -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(fusebox.execute(operation));
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void vertxCircuitBreaker(Blackhole bh) {
    onLoop(() -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(vertxBreaker.execute(operation));
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void fuseboxDropIn(Blackhole bh) {
    onLoop(() -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(dropIn.execute(operation));
      }
    });
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void resilience4jCompletionStage(Blackhole bh) {
    onLoop(() -> {
      for (int i = 0; i < BATCH; i++) {
        bh.consume(decorated.get());
      }
    });
  }

  @Benchmark
  public String hoppedFromAnotherThread() {
    return fusebox.execute(operation).toCompletionStage().toCompletableFuture().join();
  }
}
