package io.fusebox.vertx.circuitbreaker;

import io.fusebox.core.BreakerState;
import io.fusebox.protocol.AdminAction;
import io.fusebox.protocol.CallTimeoutException;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.TooManyCallsException;
import io.fusebox.vertx.Classifier;
import io.fusebox.vertx.FuseboxBreaker;
import io.fusebox.vertx.FuseboxBreakerOptions;
import io.fusebox.vertx.Outcome;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.FailurePolicy;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.RetryPolicy;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * vertx-circuit-breaker's {@link CircuitBreaker}, run by a Fusebox in-process breaker: an
 * application switches by changing {@code CircuitBreaker.create(...)} to
 * {@code FuseboxCircuitBreaker.create(...)}, and its breaker shows on a node's dashboard and metrics.
 * Failures, open and half-open behave as vertx-circuit-breaker's (see {@link OptionsMapping});
 * docs/migrating.md lists what differs.
 */
public final class FuseboxCircuitBreaker implements CircuitBreaker {

  private static final Handler<Void> NOTHING = v -> { };
  private static final RetryPolicy NO_DELAY = (failure, retryCount) -> 0L;
  private static final FailurePolicy<Object> DEFAULT_POLICY = FailurePolicy.defaultPolicy();

  private final Vertx vertx;
  private final FuseboxBreaker breaker;
  private final CircuitBreakerOptions options;
  private final AtomicLong failuresInARow = new AtomicLong();
  private volatile Handler<Void> openHandler = NOTHING;
  private volatile Handler<Void> halfOpenHandler = NOTHING;
  private volatile Handler<Void> closeHandler = NOTHING;
  private volatile Function<Throwable, ?> fallback;
  private volatile FailurePolicy<Object> failurePolicy = DEFAULT_POLICY;
  private volatile RetryPolicy retryPolicy = NO_DELAY;
  private final Classifier classifier = this::classify;

  private FuseboxCircuitBreaker(String name, Vertx vertx, CircuitBreakerOptions options) {
    this.vertx = vertx;
    this.options = new CircuitBreakerOptions(options);
    this.breaker = FuseboxBreaker.create(vertx, name, OptionsMapping.config(this.options),
        new FuseboxBreakerOptions().dependency("vertx-circuit-breaker"));
    breaker.addListener(t -> {
      if (t.to() == BreakerState.OPEN || t.to() == BreakerState.FORCED_OPEN) {
        openHandler.handle(null);
      } else if (t.to() == BreakerState.HALF_OPEN) {
        halfOpenHandler.handle(null);
      } else if (t.to() == BreakerState.CLOSED) {
        failuresInARow.set(0);
        closeHandler.handle(null);
      }
    });
  }

  /** In place of {@link CircuitBreaker#create(String, Vertx, CircuitBreakerOptions)}. */
  public static CircuitBreaker create(String name, Vertx vertx, CircuitBreakerOptions options) {
    return new FuseboxCircuitBreaker(Objects.requireNonNull(name), Objects.requireNonNull(vertx),
        options == null ? new CircuitBreakerOptions() : options);
  }

  /** In place of {@link CircuitBreaker#create(String, Vertx)}. */
  public static CircuitBreaker create(String name, Vertx vertx) {
    return create(name, vertx, new CircuitBreakerOptions());
  }

  /** The Fusebox breaker underneath, for what vertx-circuit-breaker's API has no word for. */
  public FuseboxBreaker fusebox() {
    return breaker;
  }

  private Outcome classify(Object result, Throwable failure) {
    FailurePolicy<Object> policy = failurePolicy;
    // the default policy needs no future to be asked: a call failed or it did not
    boolean failed = policy == DEFAULT_POLICY ? failure != null
        : policy.test(failure == null ? Future.succeededFuture(result) : Future.failedFuture(failure));
    if (failed) {
      failuresInARow.incrementAndGet();
      return Outcome.FAILURE;
    }
    failuresInARow.set(0);
    return Outcome.SUCCESS;
  }

  @Override
  public <T> Future<T> execute(Supplier<Future<T>> command) {
    return executeWithFallback(command, currentFallback());
  }

  @Override
  public <T> Future<T> execute(Handler<Promise<T>> command) {
    return executeWithFallback(command, currentFallback());
  }

  @Override
  public <T> Future<T> executeWithFallback(Handler<Promise<T>> command, Function<Throwable, T> fallback) {
    return executeWithFallback(() -> {
      Promise<T> promise = Promise.promise();
      command.handle(promise);
      return promise.future();
    }, fallback);
  }

  @Override
  public <T> Future<T> executeWithFallback(Supplier<Future<T>> command, Function<Throwable, T> fallback) {
    Future<T> outcome = options.getMaxRetries() > 0 ? breaker.execute(() -> attempt(command, 0), classifier)
        : breaker.execute(command, classifier);
    if (outcome.succeeded()) {
      return outcome;
    }
    return outcome.recover(failure -> {
      Throwable reason = translate(failure);
      boolean rejected = reason == OpenCircuitException.INSTANCE;
      if (fallback == null || !(rejected || options.isFallbackOnFailure())) {
        return Future.failedFuture(reason);
      }
      try {
        return Future.succeededFuture(fallback.apply(reason));
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
  }

  /** Retries a failed attempt while the breaker is closed, as vertx-circuit-breaker does; the breaker sees the last one. */
  private <T> Future<T> attempt(Supplier<Future<T>> command, int retry) {
    if (retry >= options.getMaxRetries()) {
      return command.get();
    }
    Future<T> attempt;
    try {
      attempt = command.get();
    } catch (RuntimeException e) {
      attempt = Future.failedFuture(e);
    }
    return attempt.recover(failure -> {
      if (breaker.state() != BreakerState.CLOSED) {
        return Future.failedFuture(failure);
      }
      long delay = retryPolicy.delay(failure, retry + 1);
      if (delay <= 0) {
        return attempt(command, retry + 1);
      }
      return vertx.timer(delay).compose(v -> attempt(command, retry + 1));
    });
  }

  private static Throwable translate(Throwable failure) {
    if (failure instanceof CircuitOpenException || failure instanceof TooManyCallsException) {
      return OpenCircuitException.INSTANCE;
    }
    if (failure instanceof CallTimeoutException) {
      return TimeoutException.INSTANCE;
    }
    return failure;
  }

  @SuppressWarnings("unchecked")
  private <T> Function<Throwable, T> currentFallback() {
    return (Function<Throwable, T>) fallback;
  }

  @Override
  public <T> CircuitBreaker executeAndReport(Promise<T> resultPromise, Handler<Promise<T>> command) {
    execute(command).onComplete(resultPromise);
    return this;
  }

  @Override
  public <T> CircuitBreaker executeAndReportWithFallback(Promise<T> resultPromise, Handler<Promise<T>> command,
      Function<Throwable, T> fallback) {
    executeWithFallback(command, fallback).onComplete(resultPromise);
    return this;
  }

  @Override
  public <T> CircuitBreaker fallback(Function<Throwable, T> handler) {
    this.fallback = Objects.requireNonNull(handler);
    return this;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CircuitBreaker failurePolicy(FailurePolicy<T> policy) {
    this.failurePolicy = (FailurePolicy<Object>) Objects.requireNonNull(policy);
    return this;
  }

  @Override
  public CircuitBreaker retryPolicy(RetryPolicy policy) {
    this.retryPolicy = Objects.requireNonNull(policy);
    return this;
  }

  @Override
  public CircuitBreaker openHandler(Handler<Void> handler) {
    this.openHandler = Objects.requireNonNull(handler);
    return this;
  }

  @Override
  public CircuitBreaker halfOpenHandler(Handler<Void> handler) {
    this.halfOpenHandler = Objects.requireNonNull(handler);
    return this;
  }

  @Override
  public CircuitBreaker closeHandler(Handler<Void> handler) {
    this.closeHandler = Objects.requireNonNull(handler);
    return this;
  }

  /**
   * As vertx-circuit-breaker's: forgets the failures; closes a half-open breaker; leaves an open one
   * open (closing it early is not a reset there either).
   */
  @Override
  public CircuitBreaker reset() {
    failuresInARow.set(0);
    BreakerState s = breaker.state();
    if (s == BreakerState.CLOSED) {
      breaker.apply(AdminAction.RESET);
    } else if (s == BreakerState.HALF_OPEN) {
      breaker.apply(AdminAction.CLOSE);
    }
    return this;
  }

  /** Opens the breaker; it half-opens after {@code resetTimeout}, as vertx-circuit-breaker's does. */
  @Override
  public CircuitBreaker open() {
    breaker.trip("admin:open");
    return this;
  }

  @Override
  public CircuitBreakerState state() {
    return switch (breaker.state()) {
      case OPEN, FORCED_OPEN -> CircuitBreakerState.OPEN;
      case HALF_OPEN -> CircuitBreakerState.HALF_OPEN;
      case CLOSED, DISABLED -> CircuitBreakerState.CLOSED;
    };
  }

  /** Failures in a row since the last success or reset (vertx-circuit-breaker counts them in a rolling window). */
  @Override
  public long failureCount() {
    return failuresInARow.get();
  }

  @Override
  public String name() {
    return breaker.name();
  }

  @Override
  public CircuitBreaker close() {
    breaker.close();
    return this;
  }
}
