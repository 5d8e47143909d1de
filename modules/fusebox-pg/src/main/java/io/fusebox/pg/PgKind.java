package io.fusebox.pg;

import static io.fusebox.config.Spec.duration;
import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.section;
import static io.fusebox.config.Spec.string;

import io.fusebox.config.DependencyKind;
import io.fusebox.config.MemberKeys;
import io.fusebox.config.Spec;

/**
 * {@code dependency: { type: pg, host, port, database, user, password, pool_size, max_wait_queue,
 * connect_timeout, application_name, read_replicas, ejection }}; defaults in {@link PgDependency}.
 * Single reads go to {@code read_replicas} when there are some, each replica watched by its own
 * outlier detector ({@code ejection}); writes and transactions go to the primary.
 *
 * <p>The configuration's side of the kind: its keys and what would fail at start; {@link PgAdapterFactory}
 * makes the adapters.
 */
public final class PgKind implements DependencyKind {

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
        .field("application_name", string())
        .field("read_replicas", MemberKeys.hostsAndPorts())
        .field("ejection", MemberKeys.ejection());
  }
}
