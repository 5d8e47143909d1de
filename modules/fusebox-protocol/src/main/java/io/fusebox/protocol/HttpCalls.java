package io.fusebox.protocol;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Builds the HTTP operation of DESIGN.md ({@code {"method","path","headers","query","body"}}) for
 * one breaker. Replies carry {@code {"status","headers","body"}}.
 */
public final class HttpCalls {

  private final FuseboxClient client;
  private final String breaker;

  HttpCalls(FuseboxClient client, String breaker) {
    this.client = client;
    this.breaker = breaker;
  }

  public Future<FuseboxReply> get(String path) {
    return request("GET", path, null, null, null);
  }

  public Future<FuseboxReply> delete(String path) {
    return request("DELETE", path, null, null, null);
  }

  /** @param body a JSON object, array, string or number */
  public Future<FuseboxReply> post(String path, Object body) {
    return request("POST", path, null, null, body);
  }

  public Future<FuseboxReply> put(String path, Object body) {
    return request("PUT", path, null, null, body);
  }

  /**
   * @param headers header name to value, or null
   * @param query query parameter name to value, or null
   * @param body a JSON value, or null
   */
  public Future<FuseboxReply> request(String method, String path, JsonObject headers, JsonObject query, Object body) {
    JsonObject operation = new JsonObject().put("method", method).put("path", path);
    if (headers != null) {
      operation.put("headers", headers);
    }
    if (query != null) {
      operation.put("query", query);
    }
    if (body != null) {
      operation.put("body", body);
    }
    return client.call(breaker, operation);
  }
}
