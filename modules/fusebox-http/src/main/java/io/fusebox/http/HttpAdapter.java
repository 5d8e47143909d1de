package io.fusebox.http;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.DependencyTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Runs HTTP operations {@code {"method","path","headers","query","body"}} on a pooled
 * {@link WebClient} and replies {@code {"status","headers","body"}}. Statuses in
 * {@code failure_statuses} are failures; those in {@code ignored_statuses} are answered as they are
 * but not counted; connection errors and timeouts are failures.
 */
final class HttpAdapter implements DependencyAdapter {

  private static final Set<String> KEYS = Set.of("method", "path", "headers", "query", "body");
  /** Largest request body forwarded, in bytes; a larger one is a bad request. */
  static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final HttpDependency dependency;
  private final WebClient client;

  HttpAdapter(Vertx vertx, HttpDependency dependency) {
    this.dependency = dependency;
    this.client = WebClient.create(vertx,
        new WebClientOptions()
            .setDefaultHost(dependency.host())
            .setDefaultPort(dependency.port())
            .setSsl(dependency.ssl())
            .setKeepAlive(dependency.keepAlive())
            .setConnectTimeout((int) dependency.connectTimeoutMillis())
            .setIdleTimeout((int) Math.max(1, dependency.idleTimeoutMillis() / 1000))
            .setUserAgent("fusebox"),
        new PoolOptions().setHttp1MaxSize(dependency.poolSize()));
  }

  @Override
  public String invalid(JsonObject op) {
    for (String key : op.fieldNames()) {
      if (!KEYS.contains(key)) {
        return "unknown key '" + key + "' (expected method, path, headers, query, body)";
      }
    }
    Object method = op.getValue("method", "GET");
    if (!(method instanceof String m) || !METHODS.contains(m)) {
      return "method must be one of " + String.join(", ", METHODS.stream().sorted().toList()) + " (got " + method + ")";
    }
    if (!(op.getValue("path") instanceof String path) || !path.startsWith("/")) {
      return "path must be a string starting with / (got " + op.getValue("path") + ")";
    }
    for (String key : new String[] {"headers", "query"}) {
      Object section = op.getValue(key);
      if (section == null) {
        continue;
      }
      if (!(section instanceof JsonObject values)) {
        return key + " must be an object of names to values";
      }
      for (String name : values.fieldNames()) {
        Object v = values.getValue(name);
        if (!(v instanceof String || v instanceof Number || v instanceof Boolean)) {
          return key + "." + name + " must be a string, number or boolean";
        }
      }
    }
    Object body = op.getValue("body");
    if (body != null && bodySize(body) > MAX_BODY_BYTES) {
      return "body is larger than " + MAX_BODY_BYTES + " bytes";
    }
    return null;
  }

  /** GET and HEAD read; the key is the method, the path and the query in name order. */
  @Override
  public String readKey(JsonObject op) {
    String method = op.getString("method", "GET");
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      return null;
    }
    StringBuilder key = new StringBuilder(method).append(' ').append(op.getString("path"));
    JsonObject query = op.getJsonObject("query");
    if (query != null && !query.isEmpty()) {
      char separator = '?';
      for (String name : new java.util.TreeSet<>(query.fieldNames())) {
        key.append(separator).append(name).append('=').append(query.getValue(name));
        separator = '&';
      }
    }
    return key.toString();
  }

  /** A string's UTF-16 length bounds its UTF-8 size from below, which is enough to refuse it. */
  private static long bodySize(Object body) {
    return body instanceof String text ? text.length() : Json.encodeToBuffer(body).length();
  }

  /** The Vert.x HTTP client opens a client span of its own and sends its traceparent. */
  @Override
  public boolean tracesItself() {
    return true;
  }

  @Override
  public Future<CallResult> call(JsonObject op, long timeoutMillis, String traceparent) {
    HttpRequest<Buffer> request = client
        .request(HttpMethod.valueOf(op.getString("method", "GET")), dependency.pathPrefix() + op.getString("path"))
        .timeout(timeoutMillis);
    JsonObject headers = op.getJsonObject("headers");
    if (headers != null) {
      headers.forEach(h -> request.putHeader(h.getKey(), String.valueOf(h.getValue())));
    }
    JsonObject query = op.getJsonObject("query");
    if (query != null) {
      query.forEach(q -> request.addQueryParam(q.getKey(), String.valueOf(q.getValue())));
    }
    if (traceparent != null) {
      request.putHeader("traceparent", traceparent);
    }
    Object body = op.getValue("body");
    Future<HttpResponse<Buffer>> sent;
    if (body == null) {
      sent = request.send();
    } else if (body instanceof String text) {
      sent = request.sendBuffer(Buffer.buffer(text));
    } else {
      sent = request.sendJson(body);
    }
    return sent.transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(classify(ar.result()));
      }
      Throwable cause = ar.cause();
      if (cause instanceof TimeoutException) {
        return Future.failedFuture(new DependencyTimeoutException("no HTTP response within " + timeoutMillis + " ms"));
      }
      return Future.failedFuture(cause);
    });
  }

  private CallResult classify(HttpResponse<Buffer> response) {
    int status = response.statusCode();
    if (dependency.failureStatuses().contains(status)) {
      return CallResult.failure("HTTP " + status);
    }
    JsonObject reply = new JsonObject()
        .put("status", status)
        .put("headers", headers(response.headers()))
        .put("body", body(response));
    return dependency.ignoredStatuses().contains(status) ? CallResult.ignoredAnswer(reply) : CallResult.success(reply);
  }

  private static JsonObject headers(MultiMap headers) {
    JsonObject json = new JsonObject();
    for (String name : headers.names()) {
      json.put(name.toLowerCase(), String.join(",", headers.getAll(name)));
    }
    return json;
  }

  /** JSON bodies come back as JSON, anything else as text. */
  private static Object body(HttpResponse<Buffer> response) {
    Buffer body = response.body();
    if (body == null || body.length() == 0) {
      return null;
    }
    String type = response.getHeader("content-type");
    if (type != null && type.contains("json")) {
      try {
        return Json.decodeValue(body);
      } catch (DecodeException notJson) {
        return body.toString();
      }
    }
    return body.toString();
  }

  /** GET of {@code health_path} (default {@code /}); healthy unless the status is a failure status. */
  @Override
  public Future<Void> probe(long timeoutMillis) {
    return client.get(dependency.pathPrefix() + dependency.healthPath()).timeout(timeoutMillis).send()
        .compose(r -> dependency.failureStatuses().contains(r.statusCode())
            ? Future.failedFuture("health check answered HTTP " + r.statusCode())
            : Future.succeededFuture());
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }
}
