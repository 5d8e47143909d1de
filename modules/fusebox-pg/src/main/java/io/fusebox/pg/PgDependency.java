package io.fusebox.pg;

import io.fusebox.adapter.MemberPool;
import io.fusebox.core.Durations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * The validated {@code dependency} section of a PostgreSQL service.
 *
 * @param poolSize connections at most, probes included
 * @param maxWaitQueue calls waiting for a connection; beyond that a call fails at once
 * @param connectTimeout an opening connection slower than this fails the call waiting for it
 * @param applicationName how the node's connections are named in {@code pg_stat_activity}
 * @param readReplicas {@code host:port} of replicas that single reads go to (same database, user and
 *     password), each with a pool of {@code pool_size}; empty for none
 */
record PgDependency(String host, int port, String database, String user, String password, int poolSize,
    int maxWaitQueue, Duration connectTimeout, String applicationName, List<String> readReplicas,
    MemberPool.Settings ejection) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5432;
  public static final String DEFAULT_USER = "postgres";
  /** Connections in the pool. */
  public static final int DEFAULT_POOL_SIZE = 8;
  /** Calls waiting for a connection; beyond that a call fails at once. */
  public static final int DEFAULT_MAX_WAIT_QUEUE = 64;
  /** Time to open a connection. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final String DEFAULT_APPLICATION_NAME = "fusebox";

  static PgDependency from(JsonObject d) {
    return new PgDependency(
        d.getString("host", DEFAULT_HOST),
        d.getInteger("port", DEFAULT_PORT),
        d.getString("database"),
        d.getString("user", DEFAULT_USER),
        d.getString("password", ""),
        d.getInteger("pool_size", DEFAULT_POOL_SIZE),
        d.getInteger("max_wait_queue", DEFAULT_MAX_WAIT_QUEUE),
        d.containsKey("connect_timeout") ? Durations.parse(d.getString("connect_timeout")) : DEFAULT_CONNECT_TIMEOUT,
        d.getString("application_name", DEFAULT_APPLICATION_NAME),
        d.getJsonArray("read_replicas", new JsonArray()).stream().map(String.class::cast).toList(),
        MemberPool.Settings.from(d.getJsonObject("ejection")));
  }

  /** Never shows the password. */
  @Override
  public String toString() {
    return "PgDependency[" + user + "@" + host + ":" + port + "/" + database + ", pool_size=" + poolSize + "]";
  }
}
