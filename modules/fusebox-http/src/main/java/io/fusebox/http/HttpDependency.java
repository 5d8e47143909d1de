package io.fusebox.http;

import io.fusebox.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;

/** The validated {@code dependency} section of an HTTP service. */
record HttpDependency(
    String host,
    int port,
    boolean ssl,
    String pathPrefix,
    int poolSize,
    boolean keepAlive,
    long connectTimeoutMillis,
    long idleTimeoutMillis,
    StatusPatterns failureStatuses,
    StatusPatterns ignoredStatuses,
    String healthPath) {

  static HttpDependency from(JsonObject d) {
    URI url = URI.create(d.getString("base_url"));
    boolean ssl = "https".equals(url.getScheme());
    String prefix = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");
    return new HttpDependency(
        url.getHost(),
        url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80,
        ssl,
        prefix,
        d.getInteger("pool_size", HttpAdapterFactory.DEFAULT_POOL_SIZE),
        d.getBoolean("keep_alive", true),
        Durations.parse(d.getString("connect_timeout", HttpAdapterFactory.DEFAULT_CONNECT_TIMEOUT)).toMillis(),
        Durations.parse(d.getString("idle_timeout", HttpAdapterFactory.DEFAULT_IDLE_TIMEOUT)).toMillis(),
        new StatusPatterns(list(d, "failure_statuses", HttpAdapterFactory.DEFAULT_FAILURE_STATUSES)),
        new StatusPatterns(list(d, "ignored_statuses", HttpAdapterFactory.DEFAULT_IGNORED_STATUSES)),
        d.getString("health_path", "/"));
  }

  private static List<?> list(JsonObject d, String key, List<String> fallback) {
    JsonArray a = d.getJsonArray(key);
    return a == null ? fallback : a.getList();
  }
}
