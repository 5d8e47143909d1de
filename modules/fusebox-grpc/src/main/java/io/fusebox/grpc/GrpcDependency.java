package io.fusebox.grpc;

import io.fusebox.adapter.MemberPool;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The validated {@code dependency} section of a gRPC service.
 *
 * @param descriptorSet the descriptor set file ({@code protoc --include_imports --descriptor_set_out}),
 *     absolute once the configuration is loaded
 * @param service the service's full name, e.g. {@code acme.edge.Agent}
 * @param maxStreamMessages messages of a server stream kept in one reply; the rest are counted
 * @param writeMethods methods that change something: never cached by a fallback
 * @param targets {@code host:port} of the servers that share the calls, each watched by its own
 *     outlier detector; empty for the one server at {@code host} and {@code port}
 */
record GrpcDependency(String host, int port, String descriptorSet, String service, int maxStreamMessages,
    List<String> writeMethods, List<String> targets, MemberPool.Settings ejection) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Messages of a server stream collected into one reply; the rest are counted, not kept. */
  public static final int DEFAULT_MAX_STREAM_MESSAGES = 1000;

  static GrpcDependency from(JsonObject d) {
    return new GrpcDependency(
        d.getString("host", DEFAULT_HOST),
        d.getInteger("port"),
        d.getString("descriptor_set"),
        d.getString("service"),
        d.getInteger("max_stream_messages", DEFAULT_MAX_STREAM_MESSAGES),
        d.getJsonArray("write_methods", new JsonArray()).stream().map(String::valueOf).toList(),
        d.getJsonArray("targets", new JsonArray()).stream().map(String.class::cast).toList(),
        MemberPool.Settings.from(d.getJsonObject("ejection")));
  }
}
