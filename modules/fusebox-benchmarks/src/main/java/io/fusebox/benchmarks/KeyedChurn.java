package io.fusebox.benchmarks;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.Presets;
import io.fusebox.protocol.Addresses;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A keyed family of {@code keys} active keys, 1% of them failing every call, under constant load
 * while the key space drifts (new keys come, old ones go idle): healthy keys must never be
 * rejected, the failing ones must open, and the heap after GC and the number of metric series must
 * stay flat. The family is a breaker verticle (default preset, count window of 20 calls, idle
 * expiry 10 s so that the drift forgets keys within the run) in front of an adapter that answers
 * from memory.
 *
 * <pre>java -cp modules/fusebox-benchmarks/target/benchmarks.jar io.fusebox.benchmarks.KeyedChurn [SECONDS] [KEYS]</pre>
 */
public final class KeyedChurn {

  private static final String FAMILY = "tenants";
  private static final int IN_FLIGHT = 64;
  /** Keys the active window moves on by each second: a tenth of it a minute. */
  private static final double DRIFT_PER_SECOND = 1.0 / 600;

  private KeyedChurn() {
  }

  /** What one run saw. */
  public record Figures(long calls, long healthyRejected, long failingKeysOpened, long failingKeysCalled,
      List<Double> heapMb, List<Long> series, long keysAtEnd, long forgotten) {
  }

  public static void main(String[] args) throws Exception {
    Duration length = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 600);
    int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    Figures f = run(length, keys, Duration.ofSeconds(10));
    System.out.printf(Locale.ROOT, "%d calls over %d keys for %d s: %d healthy calls rejected; failing keys opened %d"
            + " of %d called; keys at the end %d, forgotten %d%n", f.calls(), keys, length.toSeconds(),
        f.healthyRejected(), f.failingKeysOpened(), f.failingKeysCalled(), f.keysAtEnd(), f.forgotten());
    System.out.println("heap after GC (MB) per sample: " + f.heapMb());
    System.out.println("metric series per sample: " + f.series());
    System.exit(0);
  }

  public static Figures run(Duration length, int keys, Duration sampleEvery) throws Exception {
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FuseboxConfig.Service service = new FuseboxConfig.Service(FAMILY, "default",
        Presets.get(Presets.DEFAULT).toBuilder().countWindow(20).build(), Map.of("type", "memory"), List.of(), null,
        null, new FuseboxConfig.Keyed("header:fusebox-key", keys, Duration.ofSeconds(10)));
    try {
      vertx.deployVerticle(new BreakerVerticle(service, "churn", Duration.ofSeconds(1), new FailingKeys(),
          NodeServices.metrics(registry))).await(30, TimeUnit.SECONDS);
      Load load = new Load(vertx, keys);
      vertx.runOnContext(v -> {
        for (int i = 0; i < IN_FLIGHT; i++) {
          load.next();
        }
      });
      List<Double> heap = new ArrayList<>();
      List<Long> series = new ArrayList<>();
      long end = System.nanoTime() + length.toNanos();
      while (System.nanoTime() < end) {
        TimeUnit.NANOSECONDS.sleep(Math.min(sampleEvery.toNanos(), Math.max(1, end - System.nanoTime())));
        heap.add(usedAfterGcMb());
        series.add(registry.scrape().lines().filter(l -> l.startsWith("circuit_breaker_")).count());
      }
      load.stop = true;
      JsonObject keyed = lastKeyed(vertx);
      return new Figures(load.calls.get(), load.healthyRejected.get(), load.failingOpened.get(),
          load.failingCalled.get(), heap, series, keyed.getLong("keys"),
          keyed.getJsonObject("forgotten").getLong("size") + keyed.getJsonObject("forgotten").getLong("idle"));
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static JsonObject lastKeyed(Vertx vertx) throws Exception {
    JsonObject[] seen = new JsonObject[1];
    var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.SNAPSHOTS, m -> {
      if (FAMILY.equals(m.body().getString("breaker"))) {
        seen[0] = m.body().getJsonObject("keyed");
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen[0] == null && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(50);
    }
    consumer.unregister();
    if (seen[0] == null) {
      throw new IllegalStateException("the family published no snapshot within 10 s");
    }
    return seen[0];
  }

  private static double usedAfterGcMb() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
  }

  /** Callers on one event loop, each sending its next call from the reply of the last. */
  private static final class Load {
    private final Vertx vertx;
    private final int keys;
    private final long start = System.nanoTime();
    final AtomicLong calls = new AtomicLong();
    final AtomicLong healthyRejected = new AtomicLong();
    final AtomicLong failingCalled = new AtomicLong();
    final AtomicLong failingOpened = new AtomicLong();
    private final java.util.Set<Long> failingSeen = new java.util.HashSet<>();
    private final java.util.Set<Long> failingOpen = new java.util.HashSet<>();
    volatile boolean stop;

    Load(Vertx vertx, int keys) {
      this.vertx = vertx;
      this.keys = keys;
    }

    void next() {
      if (stop) {
        return;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      long base = (long) (seconds * DRIFT_PER_SECOND * keys);
      long index = base + ThreadLocalRandom.current().nextLong(keys);
      boolean failing = index % 100 == 0;
      Future<?> reply = vertx.eventBus().request(Addresses.call(FAMILY),
          new JsonObject().put("path", failing ? "/fail" : "/ok"),
          new DeliveryOptions().addHeader("fusebox-key", "tenant-" + index));
      reply.onComplete(ar -> {
        calls.incrementAndGet();
        boolean rejected = ar.failed() && ar.cause() instanceof ReplyException re && re.failureCode() == 503;
        if (failing) {
          if (failingSeen.add(index)) {
            failingCalled.incrementAndGet();
          }
          if (rejected && failingOpen.add(index)) {
            failingOpened.incrementAndGet();
          }
        } else if (rejected) {
          healthyRejected.incrementAndGet();
        }
        next();
      });
    }
  }

  /** Answers from memory: a failure for the failing keys' path, a success for the rest. */
  private static final class FailingKeys implements DependencyAdapter {
    private static final Future<CallResult> OK = Future.succeededFuture(CallResult.success(new JsonObject()));
    private static final Future<CallResult> FAILED = Future.succeededFuture(CallResult.failure("simulated"));

    @Override
    public String invalid(JsonObject operation) {
      return null;
    }

    @Override
    public Future<CallResult> call(JsonObject operation, long timeoutMillis, String traceparent) {
      return "/fail".equals(operation.getString("path")) ? FAILED : OK;
    }

    @Override
    public Future<Void> probe(long timeoutMillis) {
      return Future.succeededFuture();
    }
  }
}
