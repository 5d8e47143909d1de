package io.fusebox.http;

import static io.fusebox.config.Spec.bool;
import static io.fusebox.config.Spec.duration;
import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.section;

import io.fusebox.config.DependencyKind;
import io.fusebox.config.MemberKeys;
import io.fusebox.config.Spec;
import java.util.List;

/**
 * {@code dependency: { type: http, base_url, hosts, ejection, pool_size, keep_alive, connect_timeout,
 * idle_timeout, failure_statuses, ignored_statuses, health_path }}; defaults in {@link HttpDependency}.
 * {@code hosts} makes the service several members behind the base URL's scheme and path, each with
 * its own outlier detector ({@code ejection}: see {@code MemberPool}).
 *
 * <p>The configuration's side of the kind: its keys and what would fail at start; {@link HttpAdapterFactory}
 * makes the adapters.
 */
public final class HttpKind implements DependencyKind {

  @Override
  public String type() {
    return "http";
  }

  @Override
  public Spec.Section schema() {
    return section()
        .required("base_url", new BaseUrlSpec())
        .field("hosts", MemberKeys.hostsAndPorts())
        .field("ejection", MemberKeys.ejection())
        .field("pool_size", integer(1, 1024))
        .field("keep_alive", bool())
        .field("connect_timeout", duration())
        .field("idle_timeout", duration())
        .field("failure_statuses", Spec.listOf(new StatusSpec()))
        .field("ignored_statuses", Spec.listOf(new StatusSpec()))
        .field("health_path", Spec.string());
  }

  private static final class BaseUrlSpec extends Spec {
    @Override
    public void check(String path, Object value, List<String> problems) {
      if (!(value instanceof String s) || !s.matches("https?://[^/\\s:]+(:\\d{1,5})?(/\\S*)?")) {
        problem(problems, path, "not an HTTP URL", value);
      }
    }

    @Override
    public String expected() {
      return "a URL such as http://127.0.0.1:9000";
    }
  }

  private static final class StatusSpec extends Spec {
    @Override
    public void check(String path, Object value, List<String> problems) {
      if (!StatusPatterns.valid(value)) {
        problem(problems, path, "not a status pattern", value);
      }
    }

    @Override
    public String expected() {
      return "a status such as 503 or a class such as 5xx";
    }
  }
}
