package io.fusebox.grpc;

import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.listOf;
import static io.fusebox.config.Spec.section;
import static io.fusebox.config.Spec.string;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.config.Spec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * {@code dependency: { type: grpc, host, port, descriptor_set, service, max_stream_messages,
 * write_methods }}: a service described by a protobuf descriptor set ({@code protoc
 * --descriptor_set_out}), called with JSON messages.
 */
public final class GrpcAdapterFactory implements AdapterFactory {

  /** Messages of a server stream collected into one reply; the rest are counted, not kept. */
  public static final int DEFAULT_MAX_STREAM_MESSAGES = 1000;

  @Override
  public String type() {
    return "grpc";
  }

  @Override
  public Spec.Section schema() {
    return section()
        .field("host", string())
        .required("port", integer(1, 65_535))
        .required("descriptor_set", string())
        .required("service", string())
        .field("max_stream_messages", integer(1, 1_000_000))
        .field("write_methods", listOf(string()));
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new GrpcAdapter(vertx, dependency);
  }
}
