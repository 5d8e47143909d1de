package io.fusebox.breaker;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.RetryBudget;
import io.fusebox.metrics.BreakerMeters;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whether a failed attempt is tried again, and after how long: by the breaker's {@code retry}
 * section, within the call's deadline and the {@link RetryBudget}. Owned by the breaker verticle's
 * event loop.
 */
final class Retries {

  /** An attempt is not retried with less than this left of the call's deadline after the backoff. */
  private static final long MIN_ATTEMPT_NANOS = 5_000_000L;

  private final BreakerConfig.Retry config;
  private final RetryBudget budget;
  private final BreakerMeters meters;

  Retries(BreakerConfig.Retry config, BreakerMeters meters, long now) {
    this.config = config;
    this.meters = meters;
    this.budget = config.enabled() ? new RetryBudget(config.budgetRatio(), config.budgetMinPerSecond(), now) : null;
  }

  /** Whether this configuration keeps the same retries, so that a reload keeps the budget it counted. */
  boolean sameAs(BreakerConfig.Retry other) {
    return config.equals(other);
  }

  /** A call's first attempt starts: it earns the budget its share of a retry. */
  void firstAttempt(long now) {
    if (budget != null) {
      budget.firstAttempt(now);
    }
  }

  /** The deadline of an attempt that starts with {@code remainingMillis} left of its call's. */
  long attemptMillis(long remainingMillis) {
    return config.attemptTimeout() == null ? remainingMillis
        : Math.min(remainingMillis, Math.max(1, config.attemptTimeout().toMillis()));
  }

  /**
   * The wait in milliseconds before the call's next attempt, or -1 when it gets none: retries are
   * off, it made all its attempts, this kind of failure is not retried, the operation is not
   * idempotent, its deadline leaves no time, or the budget is spent (which the call remembers, so
   * that its reply says so).
   */
  long nextDelay(Call call, boolean timedOut, long now) {
    if (budget == null || call.attempts >= config.maxAttempts()
        || (timedOut ? !config.onTimeout() : !config.onFailure())
        || (config.idempotentOnly() && !call.adapter.idempotent(call.operation))) {
      return -1;
    }
    double spread = config.jitter() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    long delayNanos = (long) (config.backoff().toNanos() * (1L << (call.attempts - 1)) * (1 + spread));
    if (call.deadlineNanos - now < delayNanos + MIN_ATTEMPT_NANOS) {
      return -1;
    }
    boolean allowed = budget.tryRetry(now);
    meters.retry(allowed);
    if (!allowed) {
      call.retryBudgetExhausted = true;
      return -1;
    }
    return Math.max(1, delayNanos / 1_000_000);
  }

  /** Null when retries are off. */
  RetryBudget budget() {
    return budget;
  }

  /** A failed call's detail, saying when it was not retried for want of budget. */
  static String detail(Call call, String detail) {
    return call.retryBudgetExhausted ? detail + "; not retried: the retry budget is exhausted" : detail;
  }

  /** When a caller refused a retry for want of budget should come back; 0 for any other failure. */
  long retryAfterMillis(Call call) {
    return call.retryBudgetExhausted && budget != null ? budget.retryAfterMillis() : 0;
  }

  /** The snapshot's {@code retry}; null when retries are off. */
  JsonObject figures(long now) {
    if (budget == null) {
      return null;
    }
    return new JsonObject()
        .put("max_attempts", config.maxAttempts())
        .put("retries_last_10s", budget.ownRetries(now))
        .put("budget_left", budget.left(now))
        .put("exhausted", budget.exhausted())
        .put("cluster_budget", config.clusterBudget())
        .put("instances_heard", budget.instancesHeard(now));
  }
}
