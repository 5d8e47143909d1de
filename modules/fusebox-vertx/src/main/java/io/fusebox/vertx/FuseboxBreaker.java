package io.fusebox.vertx;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.CoarseClock;
import io.fusebox.core.Presets;
import io.fusebox.core.TransitionListener;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.protocol.AdminAction;
import io.fusebox.protocol.PublishedSnapshot;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A circuit breaker for Vert.x code in its own process: the same core breaker, configuration and
 * presets as a breaker verticle, without the event-bus hop. It publishes transitions and snapshots
 * like a breaker verticle, so a node's dashboard, {@code /api/breakers}, {@code /metrics} and admin
 * actions treat it as one of theirs (marked {@code "kind": "in_process"}).
 *
 * <pre>{@code
 * FuseboxBreaker breaker = FuseboxBreaker.create(vertx, "orders", Presets.get("default"));
 * breaker.execute(() -> client.get(8080, "orders", "/orders").send())
 *     .onSuccess(...).onFailure(...);       // CircuitOpenException when open, CallTimeoutException...
 * }</pre>
 *
 * <h2>Threads</h2>
 * The breaker belongs to the context it was created on (an event loop's when created in a verticle;
 * a new event-loop context otherwise), and its core is only ever touched there, without locks.
 * {@link #execute} called on that context decides at once; called from any other thread it hops onto
 * the context first, which costs a task hand-over (see docs/benchmarks.md for the measured cost).
 * {@link #state()} and {@link #isOpen()} are plain field reads from anywhere.
 *
 * <h2>Deadlines</h2>
 * A call that has not completed within {@code detection.call_timeout} is answered with a
 * {@link CallTimeoutException} and counted as a timeout; the operation itself runs on (the breaker
 * cannot cancel someone else's future), and its late outcome is dropped. A future that is already
 * complete when the operation returns it costs no timer and is handed back as it is.
 */
public final class FuseboxBreaker {

  /** The fallback type an in-process breaker reports: the caller's own function. */
  static final String FALLBACK_TYPE = "function";

  private final Vertx vertx;
  private final Context context;
  private final String name;
  private final BreakerConfig config;
  private final CircuitBreaker breaker;
  private final Classifier classifier;
  private final CoarseClock clock = CoarseClock.shared();
  private final long callTimeoutMillis;
  private final InProcessBulkhead bulkhead;
  private final InProcessRefusals refusals;
  private final InProcessCalls calls;
  /** The node this breaker reports under: the node's name, or {@code node#2}... for a second of its name. */
  private final String nodeLabel;
  private final InProcessReporter reporter;
  /** Null unless the owner gave a health check to probe with. */
  private final InProcessProbe probe;
  /** The state as last changed, for readers on any thread. */
  private volatile BreakerState state = BreakerState.CLOSED;
  private volatile BreakerSnapshot lastSnapshot;
  private volatile boolean fallbackEnabled = true;
  private long fallbackCalls;

  private FuseboxBreaker(Vertx vertx, String name, BreakerConfig config, FuseboxBreakerOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.name = name;
    this.config = config;
    this.breaker = new CircuitBreaker(name, config, clock);
    this.classifier = options.classifier();
    this.callTimeoutMillis = config.callTimeout().toMillis();
    this.refusals = new InProcessRefusals(name, config, breaker);
    this.bulkhead = new InProcessBulkhead(this, config.bulkhead().maxConcurrentCalls(), config.bulkhead().maxWaitQueue());
    this.lastSnapshot = breaker.snapshot();
    this.probe = options.probe() == null ? null
        : new InProcessProbe(this, options.probe(), options.probeInterval().toMillis());
    this.calls = new InProcessCalls(this, breaker, clock, refusals, probe == null ? 0 : probe.intervalMillis());
    breaker.addListener(t -> {
      state = t.to();
      if (t.to() == BreakerState.HALF_OPEN && probe != null) {
        probe.onHalfOpen();
      }
    });
    NodeContext node = NodeContext.of(vertx);
    this.nodeLabel = InstanceLabels.claim(vertx, name, options.node(node));
    String nodeName = nodeLabel;
    MeterRegistry registry = options.registry(node);
    this.reporter = new InProcessReporter(this, vertx, breaker, config, nodeName, options.dependency(),
        options.snapshotInterval(node).toMillis(), options.publish(),
        registry == null ? null : new BreakerMeters(registry, name, nodeName, List.of(FALLBACK_TYPE)),
        this::fallbackSummary);
  }

  /**
   * A breaker with this configuration, bound to the calling context.
   *
   * @param config e.g. {@code Presets.get("default")}, a {@code BreakerConfig.builder()...build()},
   *     or {@link FuseboxBreakerConfig#load} of a configuration file's section
   */
  public static FuseboxBreaker create(Vertx vertx, String name, BreakerConfig config) {
    return create(vertx, name, config, new FuseboxBreakerOptions());
  }

  public static FuseboxBreaker create(Vertx vertx, String name, BreakerConfig config, FuseboxBreakerOptions options) {
    FuseboxBreaker created = new FuseboxBreaker(vertx, name, config, options);
    created.onContext(created.reporter::start);
    return created;
  }

  /**
   * In a Fusebox node, the breaker its file configures under {@code circuit_breakers.in_process.<name>};
   * anywhere else, or for a name the file does not have, the default preset.
   */
  public static FuseboxBreaker create(Vertx vertx, String name) {
    NodeContext node = NodeContext.of(vertx);
    Map<String, BreakerConfig> configured = node == null ? Map.of() : node.breakers();
    return create(vertx, name, configured.getOrDefault(name, Presets.get(Presets.DEFAULT)));
  }

  public String name() {
    return name;
  }

  /** The node it reports under, in snapshots, events and meters. */
  public String node() {
    return nodeLabel;
  }

  public BreakerConfig config() {
    return config;
  }

  /** The state as of its last change; a plain read from any thread, no allocation. */
  public BreakerState state() {
    return state;
  }

  /** Whether calls are being rejected: open, or forced open by an administrator. */
  public boolean isOpen() {
    BreakerState s = state;
    return s == BreakerState.OPEN || s == BreakerState.FORCED_OPEN;
  }

  /** On the breaker's context, its figures now; elsewhere, those of its last snapshot or transition. */
  public BreakerSnapshot snapshot() {
    return Vertx.currentContext() == context ? breaker.snapshot() : lastSnapshot;
  }

  /** Runs the operation if the breaker admits it, and counts its outcome with the breaker's classifier. */
  public <T> Future<T> execute(Supplier<Future<T>> operation) {
    return execute(operation, classifier);
  }

  /** As {@link #execute(Supplier)}, with a classifier for this call (the integrations pass their own). */
  public <T> Future<T> execute(Supplier<Future<T>> operation, Classifier classifier) {
    if (Vertx.currentContext() != context) {
      Promise<T> answer = Promise.promise();
      context.runOnContext(v -> execute(operation, classifier).onComplete(answer));
      return answer.future();
    }
    if (probe != null && (breaker.state() == BreakerState.OPEN || breaker.state() == BreakerState.HALF_OPEN)) {
      // the health check is the probe: no caller's call is risked, not even by asking the breaker
      // (an open breaker whose timeout has passed would half-open and give that caller a probe permit)
      breaker.countRejected();
      return Future.failedFuture(refusals.rejection(probe.intervalMillis()));
    }
    return bulkhead.admit(operation, classifier);
  }

  /**
   * As {@link #execute(Supplier)}, and any failure (a rejection, a timeout, the operation's own)
   * is answered by the fallback instead, unless an administrator switched fallbacks off.
   */
  public <T> Future<T> executeWithFallback(Supplier<Future<T>> operation, Function<Throwable, T> fallback) {
    return execute(operation).recover(failure -> {
      if (!fallbackEnabled) {
        return Future.failedFuture(failure);
      }
      T value;
      try {
        value = fallback.apply(failure);
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
      onContext(() -> fallbackCalls++);
      return Future.succeededFuture(value);
    });
  }

  /**
   * Tells the listener of every later transition, on the breaker's context (where a listener may
   * call {@link #execute} without a hop).
   */
  public void addListener(TransitionListener listener) {
    onContext(() -> breaker.addListener(listener));
  }

  /** Applies an administrator's action, as one sent on the event bus would be. */
  public void apply(AdminAction action) {
    onContext(() -> {
      if (!action.applyTo(breaker)) {
        fallbackEnabled = action == AdminAction.FALLBACK_ON;
      }
      reporter.publishSnapshot();
    });
  }

  /**
   * Opens a closed or half-open breaker now, as its detectors would: it half-opens after its open
   * timeout (unlike {@link AdminAction#FORCE_OPEN}, which holds it open until an administrator acts).
   */
  public void trip(String reason) {
    onContext(() -> {
      BreakerState s = breaker.state();
      if (s == BreakerState.CLOSED || s == BreakerState.HALF_OPEN) {
        breaker.transitionTo(BreakerState.OPEN, reason);
      }
    });
  }

  /** Stops the breaker's timer, admin consumer and meters; calls still running keep their answers. */
  public Future<Void> close() {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      reporter.stop();
      InstanceLabels.release(vertx, name, nodeLabel);
      closed.complete();
    });
    return closed.future();
  }

  InProcessCalls calls() {
    return calls;
  }

  InProcessRefusals refusals() {
    return refusals;
  }

  long callTimeoutMillis() {
    return callTimeoutMillis;
  }

  Vertx vertx() {
    return vertx;
  }

  InProcessBulkhead bulkhead() {
    return bulkhead;
  }

  void published(BreakerSnapshot snapshot) {
    lastSnapshot = snapshot;
  }

  private PublishedSnapshot.Fallback fallbackSummary() {
    return new PublishedSnapshot.Fallback(fallbackEnabled, List.of(FALLBACK_TYPE), Map.of(FALLBACK_TYPE, fallbackCalls),
        fallbackCalls);
  }

  /** Runs the action on the breaker's context: now when already there, as a task otherwise. */
  void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
