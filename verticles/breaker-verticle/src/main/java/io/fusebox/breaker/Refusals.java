package io.fusebox.breaker;

import io.fusebox.core.AdaptiveLimit;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.fallback.Trigger;
import io.fusebox.protocol.ErrorCode;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/**
 * How a breaker verticle refuses a call before it runs, and answers it: while its breaker rejects
 * (open, forced open, half-open with every probe permit taken), when the throttling state refuses
 * it, and when the bulkhead or the adaptive limit has no room. A refused call counts for nothing
 * against the dependency. Owned by the verticle's event loop.
 */
final class Refusals {

  private final Vertx vertx;
  private final String name;
  private final CircuitBreaker breaker;
  private final CallOutcomes outcomes;
  private final Bulkhead bulkhead;
  /** Whether the cluster keeps this instance open while another one probes. */
  private final BooleanSupplier heldOpen;
  /** These are swapped by {@link #take}, between calls. */
  private BreakerConfig config;
  private FallbackAnswers answers;
  /** Null unless the verticle probes a half-open dependency itself. */
  private ActiveProbe activeProbe;

  Refusals(Vertx vertx, String name, CircuitBreaker breaker, CallOutcomes outcomes, Bulkhead bulkhead,
      BooleanSupplier heldOpen) {
    this.vertx = vertx;
    this.name = name;
    this.breaker = breaker;
    this.outcomes = outcomes;
    this.bulkhead = bulkhead;
    this.heldOpen = heldOpen;
  }

  void take(BreakerConfig config, FallbackAnswers answers, ActiveProbe activeProbe) {
    this.config = config;
    this.answers = answers;
    this.activeProbe = activeProbe;
  }

  /**
   * Whether the breaker would refuse a call now, without asking it (which could take a probe
   * permit). With active probes, half-open refuses callers: only the verticle's own checks probe.
   * The cluster's hold and the active probe are the verticle's breaker's; a key's breaker has neither.
   */
  boolean stillRejecting(CircuitBreaker judge) {
    BreakerState s = judge.state();
    boolean own = judge == breaker;
    if (own && heldOpen.getAsBoolean() && (s == BreakerState.OPEN || s == BreakerState.HALF_OPEN)) {
      return true;
    }
    if (own && activeProbe != null) {
      return s == BreakerState.FORCED_OPEN || s == BreakerState.OPEN || s == BreakerState.HALF_OPEN;
    }
    return s == BreakerState.FORCED_OPEN || (s == BreakerState.OPEN && judge.retryAfterMillis() > 0);
  }

  void reject(Call call) {
    call.settled = true;
    CircuitBreaker judge = call.breaker;
    ActiveProbe probe = judge == breaker ? activeProbe : null;
    if (judge.state() == BreakerState.HALF_OPEN && probe == null) {
      answers.failOrFallBack(call, Trigger.HALF_OPEN_FULL, ErrorCode.HALF_OPEN_FULL, "all " + config.recovery().permittedProbes()
          + " probe permits are taken", 0);
    } else {
      long probeMillis = probe == null ? 0 : probe.intervalMillis();
      long retryAfter = judge.state() == BreakerState.HALF_OPEN ? probeMillis
          : Math.max(judge.retryAfterMillis(), probeMillis);
      answers.failOrFallBack(call, Trigger.OPEN, ErrorCode.CIRCUIT_OPEN, "the breaker is " + call.state()
          + (call.key == null || judge == breaker ? "" : " for this key"), retryAfter);
    }
  }

  /** The throttling state refused the call. */
  void throttled(Call call, String why) {
    outcomes.refusedUnasked(call);
    call.settled = true;
    answers.failOrFallBack(call, Trigger.THROTTLED, ErrorCode.THROTTLED, why, ThrottlingGate.RETRY_AFTER_MILLIS);
  }

  /**
   * Refuses a call the bulkhead has no room for, before it ran: it counts for nothing. An adaptive
   * limit tells the caller to come back after about one round trip of the dependency.
   */
  void shed(Call call, String why) {
    if (call.timerId != Call.NO_TIMER) {
      vertx.cancelTimer(call.timerId);
      call.timerId = Call.NO_TIMER;
    }
    call.settled = true;
    outcomes.refusedUnasked(call);
    AdaptiveLimit adaptive = bulkhead.adaptive();
    String load = bulkhead.inFlight() + " calls in flight of " + bulkhead.limit() + " and " + bulkhead.waiting() + " waiting";
    if (adaptive == null) {
      call.fail(ErrorCode.BULKHEAD_FULL, name, call.state(), load + why, 0);
    } else {
      call.fail(ErrorCode.OVERLOADED, name, call.state(), "the adaptive concurrency limit is full: " + load + why,
          Math.max(1, adaptive.recentNanos() / 1_000_000));
    }
  }
}
