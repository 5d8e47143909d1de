package io.fusebox.benchmarks;

import io.fusebox.breaker.KeyedFamily;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.core.Presets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A keyed family's call path without the event bus: find the key's breaker, admit, record a
 * success. On one hot key, on keys spread over a family of 100,000 (each call another key, all
 * known: lookups that miss the CPU's caches), and on keys never seen before (each call makes a
 * breaker, and the family forgets one beyond max_keys). The breaker alone, in the same run.
 *
 * <pre>java -jar modules/fusebox-benchmarks/target/benchmarks.jar KeyedBenchmark -prof gc</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class KeyedBenchmark {

  private static final int KNOWN_KEYS = 100_000;
  private static final int NEW_KEYS = 4_000_000;

  /** The default preset, or one whose window suits a key (a count window of 20 calls). */
  @Param({"default", "count20"})
  public String window;

  private KeyedFamily family;
  private CircuitBreaker alone;
  private String[] known;
  private String[] fresh;
  private int nextKnown;
  private int nextFresh;

  @Setup
  public void setUp() {
    BreakerConfig config = config(window);
    family = new KeyedFamily("bench", config, new FuseboxConfig.Keyed("header:k", KNOWN_KEYS, Duration.ofHours(1)),
        new CircuitBreaker("bench", config, CoarseClock.shared()), (key, t) -> { });
    alone = new CircuitBreaker("alone", config, CoarseClock.shared());
    known = new String[KNOWN_KEYS];
    for (int i = 0; i < KNOWN_KEYS; i++) {
      known[i] = "tenant-" + i;
      family.judgeFor(known[i]);
    }
    fresh = new String[NEW_KEYS];
    for (int i = 0; i < NEW_KEYS; i++) {
      fresh[i] = "new-" + i;
    }
  }

  static BreakerConfig config(String window) {
    BreakerConfig preset = Presets.get(Presets.DEFAULT);
    return "count20".equals(window) ? preset.toBuilder().countWindow(20).build() : preset;
  }

  @Benchmark
  public long breakerAlone() {
    long permit = alone.tryAcquire();
    alone.onSuccess(permit, 1_000);
    return permit;
  }

  @Benchmark
  public long hotKey() {
    CircuitBreaker b = family.judgeFor("tenant-7");
    long permit = b.tryAcquire();
    b.onSuccess(permit, 1_000);
    return permit;
  }

  @Benchmark
  public long spreadOverKnownKeys() {
    CircuitBreaker b = family.judgeFor(known[nextKnown]);
    nextKnown = nextKnown + 7919 >= KNOWN_KEYS ? (nextKnown + 7919) - KNOWN_KEYS : nextKnown + 7919;
    long permit = b.tryAcquire();
    b.onSuccess(permit, 1_000);
    return permit;
  }

  @Benchmark
  public long newKey() {
    CircuitBreaker b = family.judgeFor(fresh[nextFresh]);
    nextFresh = nextFresh + 1 == NEW_KEYS ? 0 : nextFresh + 1;
    long permit = b.tryAcquire();
    b.onSuccess(permit, 1_000);
    return permit;
  }
}
