package io.fusebox.vertx;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How an in-process breaker classifies and reports. Every field has a default that fits a breaker
 * created inside a Fusebox node (by a user verticle): it takes the node's name, registry and
 * snapshot interval. Outside a node it reports on the event bus of its own Vert.x instance, under
 * the node name {@value #DEFAULT_NODE}, with no meters unless given a registry.
 */
public final class FuseboxBreakerOptions {

  /** The node name of a breaker created outside a Fusebox node. */
  public static final String DEFAULT_NODE = "local";
  /** Between two snapshots on {@code fusebox.snapshots} when no node says otherwise. */
  public static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofSeconds(1);
  /** What the dashboard shows as the breaker's dependency when none is named. */
  public static final String DEFAULT_DEPENDENCY = "in_process";

  private Classifier classifier = Classifier.DEFAULT;
  private String node;
  private MeterRegistry registry;
  private Duration snapshotInterval;
  private String dependency = DEFAULT_DEPENDENCY;
  private boolean publish = true;
  private Supplier<Future<?>> probe;
  private Duration probeInterval;

  public FuseboxBreakerOptions classifier(Classifier classifier) {
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    return this;
  }

  /** The node name in snapshots and events; default the node's, else {@value #DEFAULT_NODE}. */
  public FuseboxBreakerOptions node(String node) {
    this.node = node;
    return this;
  }

  /** Where the breaker's meters go; default the node's registry, else none. */
  public FuseboxBreakerOptions registry(MeterRegistry registry) {
    this.registry = registry;
    return this;
  }

  public FuseboxBreakerOptions snapshotInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("snapshot interval: must be > 0 (got " + interval + ")");
    }
    this.snapshotInterval = interval;
    return this;
  }

  /** A label for what the breaker protects, shown on the dashboard (e.g. {@code http}, {@code pg}). */
  public FuseboxBreakerOptions dependency(String dependency) {
    this.dependency = Objects.requireNonNull(dependency, "dependency");
    return this;
  }

  /**
   * Whether the breaker publishes transitions and snapshots and obeys admin actions on the event
   * bus (default true): off, it is a private breaker that no dashboard sees.
   */
  public FuseboxBreakerOptions publish(boolean publish) {
    this.publish = publish;
    return this;
  }

  /**
   * Active recovery, as {@code recovery.probe} of a breaker verticle: while half-open, the breaker
   * runs this health check every interval as its probe, and rejects callers meanwhile. Off by
   * default: callers' calls are the probes.
   */
  public FuseboxBreakerOptions activeProbe(Supplier<Future<?>> check, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("probe interval: must be > 0 (got " + interval + ")");
    }
    this.probe = Objects.requireNonNull(check, "check");
    this.probeInterval = interval;
    return this;
  }

  Supplier<Future<?>> probe() {
    return probe;
  }

  Duration probeInterval() {
    return probeInterval;
  }

  Classifier classifier() {
    return classifier;
  }

  String node(NodeContext context) {
    return node != null ? node : context != null ? context.node() : DEFAULT_NODE;
  }

  MeterRegistry registry(NodeContext context) {
    return registry != null ? registry : context != null ? context.registry() : null;
  }

  Duration snapshotInterval(NodeContext context) {
    return snapshotInterval != null ? snapshotInterval
        : context != null ? context.snapshotInterval() : DEFAULT_SNAPSHOT_INTERVAL;
  }

  String dependency() {
    return dependency;
  }

  boolean publish() {
    return publish;
  }
}
