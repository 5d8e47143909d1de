package io.fusebox.protocol;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Builds gRPC operations {@code {"method","message"}} for one breaker, messages in the JSON
 * mapping of protobuf. A unary call replies {@code {"message"}}; a server stream
 * {@code {"messages":[...],"truncated"}}.
 */
public final class GrpcCalls {

  private final FuseboxClient client;
  private final String breaker;

  GrpcCalls(FuseboxClient client, String breaker) {
    this.client = client;
    this.breaker = breaker;
  }

  public Future<FuseboxReply> unary(String method, JsonObject message) {
    return client.call(breaker, new JsonObject().put("method", method).put("message", message));
  }

  /** A server-streaming call: its messages are collected into one reply. */
  public Future<FuseboxReply> stream(String method, JsonObject message) {
    return unary(method, message);
  }
}
