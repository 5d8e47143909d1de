package io.fusebox.vertx;

import io.fusebox.core.BreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.time.Duration;
import java.util.Map;

/**
 * What a Fusebox node tells the in-process breakers created in its Vert.x instance (by the user
 * verticles it deploys): its name, its meter registry, its snapshot interval and the breakers
 * configured under {@code circuit_breakers.in_process}. Kept in a local shared map, so a breaker
 * finds it from nothing but {@code vertx}; outside a node there is none and the breaker stands alone.
 *
 * @param registry where {@code /metrics} reads from
 * @param breakers the configuration of each in-process breaker the node's file names
 */
public record NodeContext(String node, MeterRegistry registry, Duration snapshotInterval,
    Map<String, BreakerConfig> breakers) implements Shareable {

  private static final String MAP = "fusebox.node";
  private static final String KEY = "context";

  public NodeContext {
    breakers = Map.copyOf(breakers);
  }

  /** Called by the node once, before it deploys the user's verticles. */
  public static void install(Vertx vertx, NodeContext context) {
    vertx.sharedData().<String, NodeContext>getLocalMap(MAP).put(KEY, context);
  }

  /** The node this Vert.x instance runs, or null when it is not a Fusebox node's. */
  public static NodeContext of(Vertx vertx) {
    LocalMap<String, NodeContext> map = vertx.sharedData().getLocalMap(MAP);
    return map.get(KEY);
  }
}
