package io.fusebox.redis;

import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.section;
import static io.fusebox.config.Spec.string;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.config.Spec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** {@code dependency: { type: redis, host, port, password, pool_size, max_pool_waiting }}. */
public final class RedisAdapterFactory implements AdapterFactory {

  /** Connections in the pool. */
  public static final int DEFAULT_POOL_SIZE = 8;
  /** Calls waiting for a pooled connection; beyond that a call fails at once. */
  public static final int DEFAULT_MAX_POOL_WAITING = 64;

  @Override
  public String type() {
    return "redis";
  }

  @Override
  public Spec.Section schema() {
    return section()
        .field("host", string())
        .field("port", integer(1, 65_535))
        .field("password", string().secret())
        .field("pool_size", integer(1, 1024))
        .field("max_pool_waiting", integer(0, 100_000));
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new RedisAdapter(vertx, dependency);
  }
}
