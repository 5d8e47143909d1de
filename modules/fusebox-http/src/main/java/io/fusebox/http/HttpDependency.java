package io.fusebox.http;

import io.fusebox.adapter.HostAndPort;
import io.fusebox.adapter.MemberPool;
import io.fusebox.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;

/** The validated {@code dependency} section of an HTTP service. */
record HttpDependency(
    String host,
    int port,
    List<HostAndPort> hosts,
    MemberPool.Settings ejection,
    boolean ssl,
    String pathPrefix,
    int poolSize,
    boolean keepAlive,
    long connectTimeoutMillis,
    long idleTimeoutMillis,
    StatusPatterns failureStatuses,
    StatusPatterns ignoredStatuses,
    String healthPath) {

  /** Connections kept to the service. */
  static final int DEFAULT_POOL_SIZE = 16;
  /** Statuses counted as failures and answered with 502. */
  static final List<String> DEFAULT_FAILURE_STATUSES = List.of("5xx");
  /** Statuses that are the caller's fault: answered as they are, counted for neither side. */
  static final List<String> DEFAULT_IGNORED_STATUSES = List.of("4xx");
  /** TCP connect timeout, in the config's duration notation. */
  static final String DEFAULT_CONNECT_TIMEOUT = "2s";
  /** A pooled connection idle this long is closed. */
  static final String DEFAULT_IDLE_TIMEOUT = "60s";

  static HttpDependency from(JsonObject d) {
    URI url = URI.create(d.getString("base_url"));
    boolean ssl = "https".equals(url.getScheme());
    String prefix = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");
    int port = url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80;
    JsonArray members = d.getJsonArray("hosts");
    List<HostAndPort> hosts = members == null || members.isEmpty() ? List.of(new HostAndPort(url.getHost(), port))
        : members.stream().map(h -> HostAndPort.parse((String) h)).toList();
    return new HttpDependency(
        url.getHost(),
        port,
        hosts,
        MemberPool.Settings.from(d.getJsonObject("ejection")),
        ssl,
        prefix,
        d.getInteger("pool_size", DEFAULT_POOL_SIZE),
        d.getBoolean("keep_alive", true),
        Durations.parse(d.getString("connect_timeout", DEFAULT_CONNECT_TIMEOUT)).toMillis(),
        Durations.parse(d.getString("idle_timeout", DEFAULT_IDLE_TIMEOUT)).toMillis(),
        new StatusPatterns(list(d, "failure_statuses", DEFAULT_FAILURE_STATUSES)),
        new StatusPatterns(list(d, "ignored_statuses", DEFAULT_IGNORED_STATUSES)),
        d.getString("health_path", "/"));
  }

  private static List<?> list(JsonObject d, String key, List<String> fallback) {
    JsonArray a = d.getJsonArray(key);
    return a == null ? fallback : a.getList();
  }
}
