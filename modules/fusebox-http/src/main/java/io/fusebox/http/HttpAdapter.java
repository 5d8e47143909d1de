package io.fusebox.http;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.HostAndPort;
import io.fusebox.adapter.MemberPool;
import io.fusebox.adapter.Outcome;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs HTTP operations {@code {"method","path","headers","query","body"}} on a pooled Vert.x HTTP
 * client and replies {@code {"status","headers","body"}}. Statuses in {@code failure_statuses} are
 * failures; those in {@code ignored_statuses} are answered as they are but not counted; connection
 * errors and timeouts are failures. Each request is an {@link HttpExchange}, which gives its
 * connection back at the deadline whatever the server or the client does; a {@link RequestGate}
 * keeps the requests beyond the pool's size waiting outside it, so that one that expires waiting
 * costs no connection.
 */
final class HttpAdapter implements DependencyAdapter {

  private static final Set<String> KEYS = Set.of("method", "path", "headers", "query", "body");
  /** Largest request body forwarded, in bytes; a larger one is a bad request. */
  static final int MAX_BODY_BYTES = 1024 * 1024;
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final Vertx vertx;
  private final HttpDependency dependency;
  private final HttpClientAgent client;
  private final RequestGate gate;
  /**
   * How often the pool drops connections past their keep-alive: Vert.x's default, every second, is
   * a timer per breaker per second, most of an idle node of thousands; the pool checks a connection
   * is still valid before lending it anyway.
   */
  private static final int POOL_CLEANER_PERIOD_MILLIS = 10_000;

  /** The service's members and their ejections; null for a service of one host. */
  private final MemberPool<HostAndPort> members;

  HttpAdapter(Vertx vertx, HttpDependency dependency) {
    this.vertx = vertx;
    this.dependency = dependency;
    this.client = vertx.createHttpClient(
        new HttpClientOptions()
            .setDefaultHost(dependency.host())
            .setDefaultPort(dependency.port())
            .setSsl(dependency.ssl())
            .setKeepAlive(dependency.keepAlive())
            .setConnectTimeout((int) dependency.connectTimeoutMillis())
            .setIdleTimeout((int) Math.max(1, dependency.idleTimeoutMillis() / 1000)),
        new PoolOptions().setHttp1MaxSize(dependency.poolSize()).setCleanerPeriod(POOL_CLEANER_PERIOD_MILLIS));
    // the pool size is per member: Vert.x pools connections per host
    this.gate = new RequestGate(vertx, dependency.poolSize() * dependency.hosts().size());
    if (dependency.hosts().size() > 1) {
      members = new MemberPool<>(dependency.ejection(), System::nanoTime);
      dependency.hosts().forEach(h -> members.add(h, h.toString()));
    } else {
      members = null;
    }
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
    if (!(op.getValue("path") instanceof String path)) {
      return "path must be a string starting with / (got " + op.getValue("path") + ")";
    }
    String badPath = HttpRequestRules.invalidPath(path);
    if (badPath != null) {
      return badPath;
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
    return HttpRequestRules.invalidSections(op);
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
      for (String name : new TreeSet<>(query.fieldNames())) {
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
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.valueOf(op.getString("method", "GET")))
        .setURI(uri(dependency.pathPrefix() + op.getString("path"), op.getJsonObject("query")))
        .putHeader(HttpHeaders.USER_AGENT, "fusebox");
    JsonObject headers = op.getJsonObject("headers");
    if (headers != null) {
      headers.forEach(h -> request.putHeader(h.getKey(), String.valueOf(h.getValue())));
    }
    if (traceparent != null) {
      request.putHeader("traceparent", traceparent);
    }
    Object body = op.getValue("body");
    Buffer payload = null;
    if (body instanceof String text) {
      payload = Buffer.buffer(text);
    } else if (body != null) {
      payload = Json.encodeToBuffer(body);
      if (!request.getHeaders().contains(HttpHeaders.CONTENT_TYPE)) {
        request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      }
    }
    Buffer sent = payload;
    if (members == null) {
      return gate.enter(timeoutMillis, left -> HttpExchange.run(vertx, client, request, sent, left, this::classify));
    }
    return gate.enter(timeoutMillis, left -> {
      // a member is picked when the call leaves the gate, so that a wait there sees the ejections made meanwhile
      MemberPool.Member<HostAndPort> member = members.pick();
      request.setHost(member.target().host()).setPort(member.target().port());
      return HttpExchange.run(vertx, client, request, sent, left, this::classify)
          .andThen(ar -> members.record(member, ar.failed() || ar.result().outcome() == Outcome.FAILURE));
    });
  }

  /** A service of several hosts: its members as snapshots show them. */
  @Override
  public JsonObject pool() {
    return members == null ? null
        : new JsonObject().put("members", members.describe()).put("panics", members.panics());
  }

  /** The path with the query appended, percent-encoded. */
  private static String uri(String path, JsonObject query) {
    if (query == null || query.isEmpty()) {
      return path;
    }
    QueryStringEncoder encoder = new QueryStringEncoder("");
    query.forEach(q -> encoder.addParam(q.getKey(), String.valueOf(q.getValue())));
    String encoded = encoder.toString();
    return path + (path.indexOf('?') < 0 ? encoded : "&" + encoded.substring(1));
  }

  private CallResult classify(HttpExchange.Response exchanged) {
    int status = exchanged.response().statusCode();
    if (dependency.failureStatuses().contains(status)) {
      return CallResult.failure("HTTP " + status);
    }
    JsonObject reply = new JsonObject()
        .put("status", status)
        .put("headers", headers(exchanged.response().headers()))
        .put("body", body(exchanged));
    return dependency.ignoredStatuses().contains(status) ? CallResult.ignoredAnswer(reply) : CallResult.success(reply);
  }

  private static JsonObject headers(MultiMap headers) {
    JsonObject json = new JsonObject();
    for (String name : headers.names()) {
      json.put(name.toLowerCase(Locale.ROOT), String.join(",", headers.getAll(name)));
    }
    return json;
  }

  /** JSON bodies come back as JSON, anything else as text. */
  private static Object body(HttpExchange.Response exchanged) {
    Buffer body = exchanged.body();
    if (body == null || body.length() == 0) {
      return null;
    }
    String type = exchanged.response().getHeader("content-type");
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
    RequestOptions health = new RequestOptions().setMethod(HttpMethod.GET)
        .setURI(dependency.pathPrefix() + dependency.healthPath()).putHeader(HttpHeaders.USER_AGENT, "fusebox");
    if (members != null) {
      HostAndPort host = members.pick().target();
      health.setHost(host.host()).setPort(host.port());
    }
    return gate.enter(timeoutMillis, left -> HttpExchange.run(vertx, client, health, null, left, r -> r.response().statusCode()))
        .compose(status -> dependency.failureStatuses().contains(status)
            ? Future.failedFuture("health check answered HTTP " + status)
            : Future.succeededFuture());
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
