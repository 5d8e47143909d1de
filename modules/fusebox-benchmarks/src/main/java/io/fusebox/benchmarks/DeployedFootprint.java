package io.fusebox.benchmarks;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.KeyedFamily;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.core.Presets;
import io.fusebox.vertx.FuseboxBreaker;
import io.fusebox.vertx.FuseboxBreakerOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.management.ObjectName;

/**
 * What a breaker costs once deployed, not the core alone: the heap that N breakers add to a running
 * Vert.x instance, measured after full collections, with the class histogram's difference saying
 * where it goes. Side by side: breaker verticles (default preset, Prometheus meters on, an adapter
 * that holds nothing), in-process breakers with and without meters, and a plain verticle with one
 * consumer as the floor of what a verticle costs.
 *
 * Then a keyed family's cost per key, at 1,000 keys and at K.
 *
 * <pre>java [-Dfootprint.classes=25] -cp modules/fusebox-benchmarks/target/benchmarks.jar io.fusebox.benchmarks.DeployedFootprint [N] [K]</pre>
 */
public final class DeployedFootprint {

  private static final int TOP_CLASSES = Integer.getInteger("footprint.classes", 25);

  private DeployedFootprint() {
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    BreakerConfig config = Presets.get(Presets.DEFAULT);
    measure("plain verticle, one consumer", n, (vertx, registry) -> i -> vertx.deployVerticle(new OneConsumer(i)));
    measure("breaker verticle, meters on", n, (vertx, registry) -> i -> vertx.deployVerticle(new BreakerVerticle(
        "b" + i, config, "noop", new NoopAdapter(), "bench", Duration.ofSeconds(1), NodeServices.metrics(registry))));
    measure("in-process breaker, meters on", n, (vertx, registry) -> i -> Future.succeededFuture(FuseboxBreaker.create(
        vertx, "p" + i, config, new FuseboxBreakerOptions().registry(registry).node("bench"))));
    measure("in-process breaker, no meters, not published", n, (vertx, registry) -> i -> Future.succeededFuture(
        FuseboxBreaker.create(vertx, "q" + i, config, new FuseboxBreakerOptions().publish(false))));
    int keys = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    for (int count : new int[] {1_000, keys}) {
      for (String window : new String[] {"default", "count20"}) {
        measure("key of a keyed family (" + window + " window), " + count + " keys", count,
            (vertx, registry) -> keysOf(KeyedBenchmark.config(window)));
      }
    }
    System.exit(0);
  }

  private interface Deployer {
    IntFunction<Future<?>> on(Vertx vertx, PrometheusMeterRegistry registry);
  }

  private static void measure(String what, int n, Deployer deployer) throws Exception {
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IntFunction<Future<?>> deploy = deployer.on(vertx, registry);
    // one first, so that classes, pools and the registry's shared parts are there before counting
    deploy.apply(-1).await(30, TimeUnit.SECONDS);
    Thread.sleep(1500);
    // scraped before each reading, as a node's /metrics is: what a scrape keeps is a breaker's too
    registry.scrape();
    Map<String, long[]> before = histogram();
    long heapBefore = usedAfterGc();
    List<Future<?>> all = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      all.add(deploy.apply(i));
    }
    Future.all(all).await(120, TimeUnit.SECONDS);
    long took = System.nanoTime() - start;
    Thread.sleep(1500);
    registry.scrape();
    long heapAfter = usedAfterGc();
    Map<String, long[]> after = histogram();
    // what was deployed must outlive the measurement: a keyed family is reachable only from here,
    // and the JIT may count a local dead after its last use (100,000 keys once measured 0 bytes)
    Reference.reachabilityFence(deploy);
    System.out.printf(Locale.ROOT, "%n%s: %,d bytes each (%d deployed in %d ms)%n", what, (heapAfter - heapBefore) / n,
        n, TimeUnit.NANOSECONDS.toMillis(took));
    List<Map.Entry<String, long[]>> grown = new ArrayList<>();
    for (Map.Entry<String, long[]> e : after.entrySet()) {
      long[] was = before.getOrDefault(e.getKey(), new long[2]);
      long bytes = e.getValue()[1] - was[1];
      if (bytes > 0) {
        grown.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], bytes}));
      }
    }
    grown.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(TOP_CLASSES, grown.size()))) {
      System.out.printf(Locale.ROOT, "  %7.1f B  %6.2f objects  %s%n", e.getValue()[1] / (double) n,
          e.getValue()[0] / (double) n, e.getKey());
    }
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Each "deployment" is a call with a key the family has not seen: its breaker, cache entry and key string. */
  private static IntFunction<Future<?>> keysOf(BreakerConfig config) {
    KeyedFamily family = new KeyedFamily("keyed", config, new FuseboxConfig.Keyed("header:k", 10_000_000,
        Duration.ofHours(1)), new CircuitBreaker("keyed", config, CoarseClock.shared()), (key, t) -> { });
    return i -> {
      family.judgeFor("tenant-" + i);
      return Future.succeededFuture();
    };
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The live heap by class (a full collection first): class name to {instances, bytes}. */
  private static Map<String, long[]> histogram() throws Exception {
    String table = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Map<String, long[]> byClass = new HashMap<>();
    for (String line : table.lines().toList()) {
      String[] cols = line.trim().split("\\s+");
      if (cols.length >= 4 && cols[0].endsWith(":")) {
        byClass.merge(cols[3], new long[] {Long.parseLong(cols[1]), Long.parseLong(cols[2])},
            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
      }
    }
    return byClass;
  }

  /** The floor: a verticle with one event-bus consumer. */
  private static final class OneConsumer extends VerticleBase {
    private final int id;

    OneConsumer(int id) {
      this.id = id;
    }

    @Override
    public Future<?> start() {
      return vertx.eventBus().consumer("plain." + id, m -> m.reply("ok")).completion();
    }
  }
}
