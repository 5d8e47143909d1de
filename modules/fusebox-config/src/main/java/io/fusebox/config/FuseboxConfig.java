package io.fusebox.config;

import io.fusebox.core.BreakerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A whole node's configuration, validated: what {@code conf/fusebox.yaml} says once presets,
 * defaults, per-service keys and environment overrides are merged.
 *
 * @param inProcess the breakers of {@code circuit_breakers.in_process}: no dependency, no call
 *     address; Vert.x code in the node holds them (fusebox-vertx's {@code FuseboxBreaker.create(vertx, name)})
 * @param historyRetention {@code fusebox.history.retention}: how long the node keeps each breaker's
 *     one-minute history in memory (58 bytes a minute of a breaker with calls)
 * @param reload {@code fusebox.reload}: whether the node reloads the file by itself when it changes
 * @param version a hash of everything the file says once environment overrides are applied: equal
 *     files have equal versions, whatever their layout or key order
 */
public record FuseboxConfig(
    Node node,
    Http http,
    Cluster cluster,
    Store store,
    Duration snapshotInterval,
    Tracing tracing,
    boolean jsonTransitionLog,
    Bridge bridge,
    List<UserVerticle> verticles,
    List<Service> services,
    Map<String, BreakerConfig> inProcess,
    Alerts alerts,
    Duration historyRetention,
    Reload reload,
    String version) {

  /** A day: as long as the history stores keep it. */
  public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofHours(24);

  /**
   * {@code fusebox.reload}: with {@code watch}, the node checks the file every {@code interval}
   * and reloads it when its content changed.
   */
  public record Reload(boolean watch, Duration interval) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    public static final Reload OFF = new Reload(false, DEFAULT_INTERVAL);
  }

  /**
   * {@code fusebox.alerts}: where this node reports its own breakers' transitions, and when a
   * breaker that keeps changing state is reported as flapping instead.
   *
   * @param flappingTransitions this many transitions within {@code flappingWindow} make a breaker flapping
   */
  public record Alerts(List<AlertSink> sinks, int flappingTransitions, Duration flappingWindow) {
    public static final int DEFAULT_FLAPPING_TRANSITIONS = 6;
    public static final Duration DEFAULT_FLAPPING_WINDOW = Duration.ofMinutes(10);
    public static final Alerts NONE = new Alerts(List.of(), DEFAULT_FLAPPING_TRANSITIONS, DEFAULT_FLAPPING_WINDOW);
  }

  /**
   * One place alerts go: {@code log}, or {@code webhook} (an HTTP POST to {@code url}, retried
   * {@code maxAttempts} times with doubling backoff, at most {@code queue} alerts waiting).
   *
   * @param format {@code json}, or {@code slack} for a Slack-compatible {@code {"text": ...}} body
   * @param headers sent with each POST (a token, say): never logged
   */
  public record AlertSink(String type, String url, String format, Map<String, String> headers, int maxAttempts,
      Duration initialBackoff, Duration timeout, int queue) {
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_QUEUE = 1000;

    @Override
    public String toString() {
      // the URL (a Slack webhook's path is its secret) and the headers stay out of logs
      return "AlertSink[" + type + (url == null ? "" : " to " + Redacted.origin(url)) + "]";
    }
  }

  /** An active recovery probe runs this often by default. */
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(2);
  /** Snapshots are published this often by default. */
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofSeconds(1);

  public record Node(String name) {
  }

  /**
   * The node's HTTP server (dashboard, admin API, metrics).
   *
   * @param adminToken the bearer token admin actions need; empty turns admin off
   * @param allowedOrigins origins besides the page's own whose pages may open the live feed
   *     ({@code /ws}), e.g. {@code https://ops.example.com}
   */
  /**
   * {@code fusebox.http}.
   *
   * @param adminToken the token of an operator named {@code admin}; empty for none
   * @param tokens named tokens, each a {@code viewer} (reads the audit trail) or an {@code operator}
   *     (also acts on breakers)
   */
  public record Http(String host, int port, String adminToken, List<String> allowedOrigins, List<ApiToken> tokens) {

    public Http(String host, int port, String adminToken, List<String> allowedOrigins) {
      this(host, port, adminToken, allowedOrigins, List.of());
    }

    /** Never shows a token. */
    @Override
    public String toString() {
      return "Http[host=" + host + ", port=" + port + ", adminToken=" + (adminToken.isEmpty() ? "none" : "set")
          + ", tokens=" + tokens + "]";
    }
  }

  /** A named token of {@code fusebox.http.tokens}: who acts, by what right. */
  public record ApiToken(String name, String token, String role) {
    @Override
    public String toString() {
      return name + " (" + role + ")";
    }
  }

  /**
   * @param heartbeatInterval how often members tell each other they live (whole seconds, Hazelcast's unit)
   * @param suspectAfter how long a member may be silent before it is suspected and removed; a pause
   *     shorter than this (a GC, a frozen VM) never evicts a node
   */
  public record Cluster(boolean enabled, String host, int port, List<String> members, Duration heartbeatInterval,
      Duration suspectAfter) {

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SUSPECT_AFTER = Duration.ofSeconds(5);

    /** A member on {@code host}, joining {@code members}, with the default membership timing. */
    public Cluster(String host, int port, List<String> members) {
      this(true, host, port, members, DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_SUSPECT_AFTER);
    }
  }

  /** @param url a Redis URL, which may hold a password; never shown */
  public record Store(String type, String path, String url, String prefix) {
    @Override
    public String toString() {
      return "Store[type=" + type + ", path=" + path + ", url=" + (url.isEmpty() ? "none" : "set") + ", prefix=" + prefix + "]";
    }
  }

  /**
   * {@code fusebox.bridge}, the TCP event-bus bridge.
   *
   * @param maxFrameBytes largest frame accepted, in bytes; a longer one is refused before any of it
   *     is buffered, and its connection closed
   * @param idleTimeout a connection that neither sends nor receives anything for this long is closed
   * @param maxConnections connections open at once; one more is told so and closed
   */
  public record Bridge(boolean enabled, String host, int port, int maxFrameBytes, Duration idleTimeout,
      int maxConnections) {
    /** 1 MiB of operation (the HTTP adapter's body limit) plus 64 KiB of envelope. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024 + 64 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;
  }

  /**
   * {@code cluster_verdict}: every instance of the breaker opens once {@code quorum} of its live
   * instances (or {@code quorumRatio} of the instances known, when quorum is 0) are open by their
   * own judgement.
   *
   * @param forgetAfter how long an instance that fell silent still counts among those known, for
   *     the ratio: a partition must not shrink the cluster that one side judges by (its half would
   *     be a quorum of itself); a node removed for good stops counting after this long
   */
  public record Verdict(int quorum, double quorumRatio, Duration forgetAfter) {

    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofMinutes(10);

    public Verdict(int quorum, double quorumRatio) {
      this(quorum, quorumRatio, DEFAULT_FORGET_AFTER);
    }
  }

  /**
   * OpenTelemetry tracing, off by default: spans go to an OTLP (gRPC) collector.
   *
   * @param sampleRatio share of traces kept, in [0, 1]
   */
  public record Tracing(boolean enabled, String endpoint, String serviceName, double sampleRatio) {
  }

  /** A user's verticle to deploy beside the breakers. */
  public record UserVerticle(String className, int instances, Map<String, Object> config) {
  }

  /**
   * One protected dependency.
   *
   * @param preset the preset its values started from
   * @param dependency the {@code dependency} section: {@code type} and that kind's keys
   * @param fallback the {@code fallback} chain, in order; each entry a {@code type} and its keys
   * @param probeInterval how often the verticle itself probes a half-open dependency
   *     ({@code recovery.probe}), or null when callers' calls are the probes
   * @param verdict the cluster verdict ({@code cluster_verdict}), or null when instances judge alone
   */
  public record Service(String name, String preset, BreakerConfig breaker, Map<String, Object> dependency,
      List<Map<String, Object>> fallback, Duration probeInterval, Verdict verdict, Keyed keyed) {

    public Service(String name, String preset, BreakerConfig breaker, Map<String, Object> dependency,
        List<Map<String, Object>> fallback, Duration probeInterval, Verdict verdict) {
      this(name, preset, breaker, dependency, fallback, probeInterval, verdict, null);
    }

    public Service(String name, String preset, BreakerConfig breaker, Map<String, Object> dependency,
        List<Map<String, Object>> fallback, Duration probeInterval) {
      this(name, preset, breaker, dependency, fallback, probeInterval, null);
    }

    public Service(String name, String preset, BreakerConfig breaker, Map<String, Object> dependency) {
      this(name, preset, breaker, dependency, List.of(), null);
    }

    public Service(String name, String preset, BreakerConfig breaker, Map<String, Object> dependency,
        List<Map<String, Object>> fallback) {
      this(name, preset, breaker, dependency, fallback, null);
    }

    public String dependencyType() {
      return (String) dependency.get("type");
    }
  }

  /**
   * {@code keyed}: a family of breakers behind one address, one core breaker per key, made on a
   * key's first call and forgotten when idle or when more than {@code maxKeys} are known.
   *
   * @param by where a call's key is read: {@code header:<name>}, {@code field:<name>} or {@code http_host}
   */
  public record Keyed(String by, int maxKeys, Duration idleExpiry) {

    public static final int DEFAULT_MAX_KEYS = 100_000;
    public static final Duration DEFAULT_IDLE_EXPIRY = Duration.ofMinutes(10);
    /** The {@code by} forms, as {@code fusebox validate} names them. */
    public static final String BY_FORMS = "header:<name>, field:<name> or http_host";

    /** Whether {@code by} is one of {@link #BY_FORMS}. */
    public static boolean validBy(String by) {
      return "http_host".equals(by) || by.matches("(header|field):[A-Za-z0-9_.-]{1,64}");
    }
  }
}
