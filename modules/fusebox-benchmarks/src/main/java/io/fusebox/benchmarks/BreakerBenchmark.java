package io.fusebox.benchmarks;

import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Clock;
import io.fusebox.core.CoarseClock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The breaker's own cost, single-threaded as a breaker is used: admit a call and record its
 * success (the duration is passed in, as a caller that timed the call would), reject a call while
 * open, and read the state. Each Fusebox row has its Resilience4j row in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BreakerBenchmark {

  private static final long CALL_NANOS = 1_000_000;

  @State(Scope.Thread)
  public static class Closed {
    CircuitBreaker fuseboxCount;
    CircuitBreaker fuseboxTime;
    io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4jCount;
    io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4jTime;

    @Setup
    public void setup() {
      fuseboxCount = Contenders.fusebox(false, CoarseClock.shared());
      fuseboxTime = Contenders.fusebox(true, CoarseClock.shared());
      resilience4jCount = Contenders.resilience4j(false);
      resilience4jTime = Contenders.resilience4j(true);
    }
  }

  @State(Scope.Thread)
  public static class Open {
    CircuitBreaker fusebox;
    CircuitBreaker fuseboxSystemClock;
    io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j;

    @Setup
    public void setup() {
      fusebox = Contenders.fusebox(false, CoarseClock.shared());
      fusebox.transitionTo(BreakerState.OPEN, "benchmark");
      fuseboxSystemClock = Contenders.fusebox(false, Clock.SYSTEM);
      fuseboxSystemClock.transitionTo(BreakerState.OPEN, "benchmark");
      resilience4j = Contenders.resilience4j(false);
      resilience4j.transitionToOpenState();
    }
  }

  @Benchmark
  public long closedCountWindowFusebox(Closed s) {
    long permit = s.fuseboxCount.tryAcquire();
    s.fuseboxCount.onSuccess(permit, CALL_NANOS);
    return permit;
  }

  @Benchmark
  public boolean closedCountWindowResilience4j(Closed s) {
    boolean permitted = s.resilience4jCount.tryAcquirePermission();
    s.resilience4jCount.onSuccess(CALL_NANOS, TimeUnit.NANOSECONDS);
    return permitted;
  }

  @Benchmark
  public long closedTimeWindowFusebox(Closed s) {
    long permit = s.fuseboxTime.tryAcquire();
    s.fuseboxTime.onSuccess(permit, CALL_NANOS);
    return permit;
  }

  @Benchmark
  public boolean closedTimeWindowResilience4j(Closed s) {
    boolean permitted = s.resilience4jTime.tryAcquirePermission();
    s.resilience4jTime.onSuccess(CALL_NANOS, TimeUnit.NANOSECONDS);
    return permitted;
  }

  @Benchmark
  public long rejectedFusebox(Open s) {
    return s.fusebox.tryAcquire();
  }

  /** The same rejection reading the system clock, to show what the coarse clock saves. */
  @Benchmark
  public long rejectedFuseboxSystemClock(Open s) {
    return s.fuseboxSystemClock.tryAcquire();
  }

  @Benchmark
  public boolean rejectedResilience4j(Open s) {
    return s.resilience4j.tryAcquirePermission();
  }

  @Benchmark
  public BreakerState stateFusebox(Closed s) {
    return s.fuseboxCount.state();
  }

  @Benchmark
  public io.github.resilience4j.circuitbreaker.CircuitBreaker.State stateResilience4j(Closed s) {
    return s.resilience4jCount.getState();
  }
}
