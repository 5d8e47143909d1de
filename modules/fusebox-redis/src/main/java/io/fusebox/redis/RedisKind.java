package io.fusebox.redis;

import static io.fusebox.config.Spec.duration;
import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.section;
import static io.fusebox.config.Spec.string;

import io.fusebox.config.DependencyKind;
import io.fusebox.config.MemberKeys;
import io.fusebox.config.Spec;

/**
 * {@code dependency: { type: redis, host, port, password, pool_size, max_pool_waiting, connect_timeout,
 * client_name, replicas, ejection }}; defaults in {@link RedisDependency}. Read commands go to
 * {@code replicas} when there are some, each watched by its own outlier detector ({@code ejection}).
 *
 * <p>The configuration's side of the kind: its keys and what would fail at start; {@link RedisAdapterFactory}
 * makes the adapters.
 */
public final class RedisKind implements DependencyKind {

  @Override
  public String type() {
    return "redis";
  }

  @Override
  public Spec.Section schema() {
    return section()
        .field("host", string())
        .field("port", integer(1, 65_535))
        .field("password", string().secret())
        .field("pool_size", integer(1, 1024))
        .field("max_pool_waiting", integer(0, 100_000))
        .field("connect_timeout", duration())
        .field("client_name", string())
        .field("replicas", MemberKeys.hostsAndPorts())
        .field("ejection", MemberKeys.ejection());
  }
}
