package io.fusebox.redis;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Makes {@code redis} adapters from a section that {@link RedisKind} has validated. */
public final class RedisAdapterFactory implements AdapterFactory {

  @Override
  public String type() {
    return "redis";
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new RedisAdapter(vertx, RedisDependency.from(dependency));
  }
}
