package io.fusebox.redis;

import static io.fusebox.config.Spec.duration;
import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.section;
import static io.fusebox.config.Spec.string;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.config.Spec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * {@code dependency: { type: redis, host, port, password, pool_size, max_pool_waiting, connect_timeout,
 * client_name }}; defaults in {@link RedisDependency}.
 */
public final class RedisAdapterFactory implements AdapterFactory {

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
        .field("max_pool_waiting", integer(0, 100_000))
        .field("connect_timeout", duration())
        .field("client_name", string());
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new RedisAdapter(vertx, RedisDependency.from(dependency));
  }
}
