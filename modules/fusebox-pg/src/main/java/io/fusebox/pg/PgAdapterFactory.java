package io.fusebox.pg;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Makes {@code pg} adapters from a section that {@link PgKind} has validated. */
public final class PgAdapterFactory implements AdapterFactory {

  @Override
  public String type() {
    return "pg";
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new PgAdapter(vertx, PgDependency.from(dependency));
  }
}
