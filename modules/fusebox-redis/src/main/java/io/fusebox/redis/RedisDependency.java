package io.fusebox.redis;

import io.fusebox.adapter.MemberPool;
import io.fusebox.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * The validated {@code dependency} section of a Redis service.
 *
 * @param poolSize connections at most, probes included
 * @param maxPoolWaiting calls waiting for a connection; beyond that a call fails at once
 * @param connectTimeout an opening connection slower than this fails the call waiting for it
 * @param clientName the name the node's connections give themselves ({@code CLIENT SETNAME})
 * @param replicas {@code host:port} of replicas that read commands go to, each with a pool of
 *     {@code pool_size}; empty for none
 */
record RedisDependency(String host, int port, String password, int poolSize, int maxPoolWaiting,
    Duration connectTimeout, String clientName, List<String> replicas, MemberPool.Settings ejection) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 6379;
  /** Connections in the pool. */
  public static final int DEFAULT_POOL_SIZE = 8;
  /** Calls waiting for a pooled connection; beyond that a call fails at once. */
  public static final int DEFAULT_MAX_POOL_WAITING = 64;
  /** Time to open a connection. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final String DEFAULT_CLIENT_NAME = "fusebox";

  static RedisDependency from(JsonObject d) {
    return new RedisDependency(
        d.getString("host", DEFAULT_HOST),
        d.getInteger("port", DEFAULT_PORT),
        d.getString("password", ""),
        d.getInteger("pool_size", DEFAULT_POOL_SIZE),
        d.getInteger("max_pool_waiting", DEFAULT_MAX_POOL_WAITING),
        d.containsKey("connect_timeout") ? Durations.parse(d.getString("connect_timeout")) : DEFAULT_CONNECT_TIMEOUT,
        d.getString("client_name", DEFAULT_CLIENT_NAME),
        d.getJsonArray("replicas", new JsonArray()).stream().map(String.class::cast).toList(),
        MemberPool.Settings.from(d.getJsonObject("ejection")));
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "RedisDependency[" + host + ":" + port + ", pool_size=" + poolSize + ", client_name=" + clientName + "]";
  }
}
