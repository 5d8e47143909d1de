package io.fusebox.http;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Makes {@code http} adapters from a section that {@link HttpKind} has validated. */
public final class HttpAdapterFactory implements AdapterFactory {

  @Override
  public String type() {
    return "http";
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new HttpAdapter(vertx, HttpDependency.from(dependency));
  }
}
