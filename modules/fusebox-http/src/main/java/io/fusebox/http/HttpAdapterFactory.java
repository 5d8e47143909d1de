package io.fusebox.http;

import static io.fusebox.config.Spec.bool;
import static io.fusebox.config.Spec.duration;
import static io.fusebox.config.Spec.integer;
import static io.fusebox.config.Spec.section;

import io.fusebox.adapter.AdapterFactory;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.config.Spec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@code dependency: { type: http, base_url, pool_size, keep_alive, connect_timeout, idle_timeout,
 * failure_statuses, ignored_statuses, health_path }}.
 */
public final class HttpAdapterFactory implements AdapterFactory {

  /** Connections kept to the service. */
  public static final int DEFAULT_POOL_SIZE = 16;
  /** Statuses counted as failures and answered with 502. */
  public static final List<String> DEFAULT_FAILURE_STATUSES = List.of("5xx");
  /** Statuses that are the caller's fault: answered as they are, counted for neither side. */
  public static final List<String> DEFAULT_IGNORED_STATUSES = List.of("4xx");
  /** TCP connect timeout, in the config's duration notation. */
  public static final String DEFAULT_CONNECT_TIMEOUT = "2s";
  /** A pooled connection idle this long is closed. */
  public static final String DEFAULT_IDLE_TIMEOUT = "60s";

  @Override
  public String type() {
    return "http";
  }

  @Override
  public Spec.Section schema() {
    return section()
        .required("base_url", new BaseUrlSpec())
        .field("pool_size", integer(1, 1024))
        .field("keep_alive", bool())
        .field("connect_timeout", duration())
        .field("idle_timeout", duration())
        .field("failure_statuses", Spec.listOf(new StatusSpec()))
        .field("ignored_statuses", Spec.listOf(new StatusSpec()))
        .field("health_path", Spec.string());
  }

  @Override
  public DependencyAdapter create(Vertx vertx, JsonObject dependency) {
    return new HttpAdapter(vertx, HttpDependency.from(dependency));
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
