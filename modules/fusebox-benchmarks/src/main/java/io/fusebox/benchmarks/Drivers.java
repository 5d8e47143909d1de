package io.fusebox.benchmarks;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.testkit.CapacityServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the overload, retry-storm and brownout drivers share: one Vert.x for a run's legs, a breaker
 * verticle in front of a {@link CapacityServer}, and waiting for a moment of the run.
 */
final class Drivers {

  private Drivers() {
  }

  /** One leg of a run, of one kind (a bound, a budget, a guard). */
  interface Leg<K, R> {
    R run(Vertx vertx, K kind) throws Exception;
  }

  /** Runs a leg of each kind in turn on one Vert.x, closed at the end. */
  static <K, R> List<R> eachLeg(K[] kinds, Leg<K, R> leg) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<R> results = new ArrayList<>();
      for (K kind : kinds) {
        results.add(leg.run(vertx, kind));
      }
      return results;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Deploys a breaker verticle on {@code node} calling the dependency over HTTP with a pool of
   * {@code poolSize} connections; its deployment id.
   */
  static String deployBreaker(Vertx vertx, String breaker, BreakerConfig config, CapacityServer dependency, int poolSize,
      String node, Duration snapshotInterval, List<Map<String, Object>> fallback) throws Exception {
    FuseboxConfig.Service service = new FuseboxConfig.Service(breaker, "default", config,
        Map.of("type", "http", "base_url", dependency.baseUrl(), "pool_size", poolSize), fallback);
    return vertx.deployVerticle(new BreakerVerticle(service, node, snapshotInterval,
        NodeServices.metrics(new SimpleMeterRegistry()))).await(30, TimeUnit.SECONDS);
  }
}
