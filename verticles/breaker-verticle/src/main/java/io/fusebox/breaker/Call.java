package io.fusebox.breaker;

import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Priority;
import io.fusebox.fallback.FallbackReply;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * One request on its way through a breaker verticle. It answers its message exactly once: every
 * later attempt (a late result after a timeout, an undeploy after a reply) is a no-op.
 */
final class Call {

  static final long NO_TIMER = -1;

  final Message<?> message;
  final JsonObject operation;
  final String traceparent;
  final long arrivedNanos;
  final long deadlineNanos;
  /** Whether the caller asked for a deadline shorter than the breaker's call_timeout. */
  final boolean ownDeadline;
  /** A keyed family's key of this call; null when the breaker is not keyed. */
  String key;
  /** From {@code fusebox-priority}: which calls a full bulkhead sheds first. */
  Priority priority = Priority.NORMAL;
  /** The breaker that judges this call: the verticle's, or its key's in a keyed family. */
  CircuitBreaker breaker;
  /**
   * The adapter the call was started on, which its retries keep: a live reload swaps the
   * pipeline's, and closes this one only after a call's longest deadline.
   */
  DependencyAdapter adapter;
  long permit;
  long startNanos;
  long timerId = NO_TIMER;
  /** Attempts started so far; more than one when the breaker retried. */
  int attempts;
  /** The timer of the wait before the next attempt, or {@link #NO_TIMER} while none is pending. */
  long retryTimer = NO_TIMER;
  /** A retry was refused for want of budget: the reply says so. */
  boolean retryBudgetExhausted;
  /** Neighbours in {@link RunningCalls}. */
  Call previous;
  Call next;
  /** The call's trace span, ended with the reply; null when tracing is off. */
  Span span;
  /** The outcome is known (recorded, or refused); a later result is dropped. */
  boolean settled;
  private boolean answered;

  Call(Message<?> message, JsonObject operation, String traceparent, long arrivedNanos, long deadlineNanos,
      boolean ownDeadline) {
    this.message = message;
    this.operation = operation;
    this.traceparent = traceparent;
    this.arrivedNanos = arrivedNanos;
    this.deadlineNanos = deadlineNanos;
    this.ownDeadline = ownDeadline;
  }

  /** The state of the breaker that judges the call, as a reply names it. */
  String state() {
    return breaker.state().wireName();
  }

  void reply(JsonObject body, BreakerState state) {
    if (!answered) {
      answered = true;
      endSpan(Headers.OUTCOME_SUCCESS, state.wireName(), null);
      message.reply(body, SuccessReplies.in(state));
    }
  }

  void replyFallback(FallbackReply fallback, String state) {
    if (!answered) {
      answered = true;
      endSpan(Headers.OUTCOME_FALLBACK, state, fallback.type());
      DeliveryOptions options = new DeliveryOptions()
          .addHeader(Headers.OUTCOME, Headers.OUTCOME_FALLBACK)
          .addHeader(Headers.FALLBACK, fallback.type())
          .addHeader(Headers.STATE, state);
      if (retryBudgetExhausted) {
        options.addHeader(Headers.RETRY_BUDGET, Headers.RETRY_BUDGET_EXHAUSTED);
      }
      if (fallback.staleMillis() >= 0) {
        options.addHeader(Headers.STALE_MS, Long.toString(fallback.staleMillis()));
      }
      message.reply(fallback.body(), options);
    }
  }

  void fail(ErrorCode code, String breaker, String state, String detail, long retryAfterMillis) {
    if (!answered) {
      answered = true;
      endSpan(code.error(), state, null);
      new FuseboxError(code, breaker, state, detail, retryAfterMillis).failOn(message);
    }
  }

  private void endSpan(String outcome, String state, String fallback) {
    if (span == null) {
      return;
    }
    span.setAttribute("fusebox.state", state);
    span.setAttribute("fusebox.outcome", outcome);
    span.setAttribute("fusebox.fallback", fallback == null ? "none" : fallback);
    if (!Headers.OUTCOME_SUCCESS.equals(outcome) && !Headers.OUTCOME_FALLBACK.equals(outcome)) {
      span.setStatus(StatusCode.ERROR, outcome);
    }
    span.end();
  }

  /** Milliseconds left before the deadline, at least 1 so that a timer can still fire. */
  long remainingMillis(long nowNanos) {
    return Math.max(1, (deadlineNanos - nowNanos) / 1_000_000);
  }

  /**
   * Whether less than a tenth of the call's time is left: too little to give the dependency, which
   * would almost surely time out and be blamed for the wait in our own queue.
   */
  boolean nearlySpent(long nowNanos) {
    return (deadlineNanos - nowNanos) * 10 < deadlineNanos - arrivedNanos;
  }
}
