package io.fusebox.grpc;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Makes {@code grpc} adapters from a section that {@link GrpcKind} has validated. */
public final class GrpcAdapterFactory implements AdapterFactory {

  @Override
  public String type() {
    return "grpc";
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new GrpcAdapter(vertx, GrpcDependency.from(dependency));
  }
}
