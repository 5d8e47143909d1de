package io.fusebox.pg;

import static io.fusebox.config.Spec.duration;
import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.section;
import static io.fusebox.config.Spec.string;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.config.Spec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * {@code dependency: { type: pg, host, port, database, user, password, pool_size, max_wait_queue,
 * connect_timeout, idle_timeout }}.
 */
public final class PgAdapterFactory implements AdapterFactory {

  /** Connections in the pool. */
  public static final int DEFAULT_POOL_SIZE = 8;
  /** Calls waiting for a connection; beyond that a call fails at once. */
  public static final int DEFAULT_MAX_WAIT_QUEUE = 64;
  public static final String DEFAULT_CONNECT_TIMEOUT = "2s";
  /** An idle pooled connection is closed after this. */
  public static final String DEFAULT_IDLE_TIMEOUT = "60s";

  @Override
  public String type() {
    return "pg";
  }

  @Override
  public Spec.Section schema() {
    return section()
        .field("host", string())
        .field("port", integer(1, 65_535))
        .required("database", string())
        .field("user", string())
        .field("password", string().secret())
        .field("pool_size", integer(1, 1024))
        .field("max_wait_queue", integer(0, 100_000))
        .field("connect_timeout", duration())
        .field("idle_timeout", duration());
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new PgAdapter(vertx, dependency);
  }
}
