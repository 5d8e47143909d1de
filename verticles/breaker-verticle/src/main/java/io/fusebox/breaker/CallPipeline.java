package io.fusebox.breaker;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.DependencyTimeoutException;
import io.fusebox.adapter.Outcome;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.RetryBudget;
import io.fusebox.fallback.Trigger;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.metrics.BreakerMeters.Result;
import io.fusebox.protocol.ErrorCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call path of one breaker, on its verticle's event loop: reads a request, admits or refuses
 * it ({@link Refusals}), holds it in the bulkhead, runs it on the adapter under its deadline (again,
 * within the retry budget, when it failed and may be retried: {@link Retries}), records each
 * outcome in the breaker and the meters together, falls back when the dependency cannot answer,
 * and replies exactly once.
 */
final class CallPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(CallPipeline.class);

  private final Vertx vertx;
  private final String name;
  /** These, from a {@link CallSetup}, are swapped by {@link #reconfigure}, between calls. */
  private BreakerConfig config;
  private String dependencyType;
  private final CircuitBreaker breaker;
  private DependencyAdapter adapter;
  private final BreakerMeters meters;
  private final FallbackLedger ledger;
  private FallbackAnswers answers;
  private final CallOutcomes outcomes;
  /** Null when tracing is off. */
  private final Tracer tracer;
  private final Bulkhead bulkhead;
  private final Refusals refusals;
  private Retries retries;
  /** Null unless {@code overload.throttling.enabled}; never for a keyed family, whose keys judge themselves. */
  private ThrottlingGate throttling;
  private final RunningCalls running;
  private CallReader reader;
  private KeySource keySource;
  /** Completed once no call is in flight or waiting, when someone waits for that; else null. */
  private Promise<Void> whenIdle;
  /** The keys' breakers of a keyed family; null when the breaker is not keyed. */
  private KeyedFamily family;
  private static final String TIMEOUT_CLASS = "timeout";
  private boolean stopping;

  CallPipeline(Vertx vertx, String name, CircuitBreaker breaker, BreakerMeters meters, FallbackLedger ledger,
      Tracer tracer, BooleanSupplier heldOpen, CallSetup setup) {
    this.vertx = vertx;
    this.name = name;
    this.breaker = breaker;
    this.meters = meters;
    this.ledger = ledger;
    this.tracer = tracer;
    this.bulkhead = new Bulkhead(setup.config(), System.nanoTime());
    this.running = new RunningCalls(vertx, this::onDeadline);
    this.outcomes = new CallOutcomes(breaker, meters);
    this.refusals = new Refusals(vertx, name, breaker, outcomes, bulkhead, heldOpen);
    this.retries = new Retries(setup.config().retry(), meters, System.nanoTime());
    take(setup);
    throttleBy(config);
  }

  private void take(CallSetup setup) {
    config = setup.config();
    dependencyType = setup.dependencyType();
    adapter = setup.adapter();
    answers = new FallbackAnswers(name, setup.fallbacks(), adapter, ledger, meters);
    refusals.take(config, answers, setup.activeProbe());
    family = setup.family();
    keySource = setup.keySource();
    reader = new CallReader(name, config.callTimeout().toMillis(), adapter, tracer, breaker, keySource);
  }

  /**
   * Runs later calls by the new setup: its configuration, adapter, fallbacks and keys; calls
   * already admitted finish as they started, on the adapter and key's breaker they started on. A
   * larger bulkhead starts waiting calls at once.
   */
  void reconfigure(CallSetup setup) {
    take(setup);
    bulkhead.resize(config, System.nanoTime());
    if (!retries.sameAs(config.retry())) {
      retries = new Retries(config.retry(), meters, System.nanoTime());
    }
    throttleBy(config);
    startWaiting();
  }

  private void throttleBy(BreakerConfig next) {
    throttling = ThrottlingGate.of(next, throttling, breaker, family != null);
    outcomes.throttle(throttling == null ? null : throttling.throttle());
  }

  /** Completes once every call in flight or waiting has had its one reply. */
  Future<Void> idle() {
    if (bulkhead.idle()) {
      return Future.succeededFuture();
    }
    if (whenIdle == null) {
      whenIdle = Promise.promise();
    }
    return whenIdle.future();
  }

  private void tellIfIdle() {
    if (whenIdle != null && bulkhead.idle()) {
      Promise<Void> told = whenIdle;
      whenIdle = null;
      told.complete();
    }
  }

  void onCall(Message<Object> message) {
    long now = System.nanoTime();
    Call call = reader.read(message, now);
    if (call == null) {
      return;
    }
    call.breaker = family == null ? breaker : family.judgeFor(call.key);
    if (stopping) {
      call.fail(ErrorCode.SHUTTING_DOWN, name, call.state(), "the breaker is being undeployed", 0);
    } else if (refusals.stillRejecting(call.breaker)) {
      outcomes.refusedUnasked(call);
      refusals.reject(call);
    } else if (throttling != null && call.breaker == breaker && throttling.refuses(now)) {
      refusals.throttled(call, throttling.why(now));
    } else if (bulkhead.hasSlot()) {
      start(call, now);
    } else {
      Call refused = bulkhead.enqueue(call);
      if (refused != call) {
        call.timerId = vertx.setTimer(call.remainingMillis(now), id -> expireWaiting(call, "the deadline passed while waiting for a bulkhead slot"));
      }
      if (refused != null) {
        refusals.shed(refused, refused == call ? "" : "; a call of higher priority took its place in the queue");
      }
    }
  }

  /** The throttling state's figures for the snapshot; null when it is off. */
  JsonObject throttling() {
    return throttling == null ? null : throttling.figures(System.nanoTime());
  }

  private void start(Call call, long now) {
    long permit = call.breaker.tryAcquire();
    if (permit == CircuitBreaker.REJECTED) {
      outcomes.refusedByBreaker();
      refusals.reject(call);
      return;
    }
    bulkhead.occupy(call);
    running.add(call, now);
    retries.firstAttempt(now);
    call.adapter = adapter;
    attempt(call, permit, now);
  }

  /** Runs one attempt of an admitted call on the adapter, within what is left of its deadline. */
  private void attempt(Call call, long permit, long now) {
    call.permit = permit;
    call.startNanos = now;
    call.attempts++;
    long remaining = retries.attemptMillis(call.remainingMillis(now));
    Future<CallResult> result;
    try (Scope scope = call.span == null ? null : call.span.makeCurrent()) {
      result = call.adapter.call(call.operation, remaining, call.traceparent);
    } catch (RuntimeException bug) {
      onAdapterBug(call, bug);
      return;
    }
    result.onComplete(ar -> onResult(call, ar));
  }

  /**
   * Whether the failed attempt is tried again: if so, its outcome is told to the breaker and the
   * adaptive limit as any call's, and the next attempt waits its backoff, keeping the call's slot.
   */
  private boolean retried(Call call, AsyncResult<CallResult> ar) {
    boolean timedOut = ar.failed() && ar.cause() instanceof DependencyTimeoutException;
    boolean failed = ar.succeeded() ? ar.result().outcome() == Outcome.FAILURE : !timedOut;
    if (!timedOut && !failed) {
      return false;
    }
    long now = System.nanoTime();
    long delay = retries.nextDelay(call, timedOut, now);
    if (delay < 0) {
      return false;
    }
    String kind = timedOut ? TIMEOUT_CLASS : ar.succeeded() ? ErrorClasses.ofDetail(ar.result().detail())
        : ar.cause().getClass().getSimpleName();
    outcomes.failedWith(call, kind);
    outcomes.ran(call, timedOut ? Result.TIMEOUT : Result.FAILURE);
    bulkhead.measured(call, now);
    call.retryTimer = vertx.setTimer(delay, id -> retry(call));
    return true;
  }

  private void retry(Call call) {
    call.retryTimer = Call.NO_TIMER;
    if (call.settled) {
      return;
    }
    long permit = call.breaker.tryAcquire();
    if (permit == CircuitBreaker.REJECTED) {
      outcomes.refusedByBreaker();
      settle(call);
      refusals.reject(call);
      finish(call, false);
      return;
    }
    attempt(call, permit, System.nanoTime());
  }

  /** Marks the call's outcome as known; false when it already was, and a later result is dropped. */
  private boolean settle(Call call) {
    if (call.settled) {
      return false;
    }
    call.settled = true;
    if (call.timerId != Call.NO_TIMER) {
      vertx.cancelTimer(call.timerId);
    }
    return true;
  }

  private void onResult(Call call, AsyncResult<CallResult> ar) {
    if (call.settled || retried(call, ar) || !settle(call)) {
      return;
    }
    if (ar.succeeded()) {
      CallResult r = ar.result();
      if (r.outcome() == Outcome.FAILURE) {
        outcomes.failedWith(call, ErrorClasses.ofDetail(r.detail()));
      }
      outcomes.ran(call, switch (r.outcome()) {
        case SUCCESS -> Result.SUCCESS;
        case FAILURE -> Result.FAILURE;
        case IGNORED -> Result.IGNORED;
      });
      if (r.outcome() == Outcome.SUCCESS && r.reply() != null) {
        answers.remember(call, r.reply());
      }
      if (r.reply() != null) {
        call.reply(r.reply(), call.breaker.state());
      } else if (r.outcome() == Outcome.FAILURE) {
        answers.failOrFallBack(call, Trigger.FAILURE, ErrorCode.DEPENDENCY_FAILURE, Retries.detail(call, r.detail()),
            retries.retryAfterMillis(call));
      } else {
        call.fail(ErrorCode.DEPENDENCY_REJECTED, name, call.state(), r.detail(), 0);
      }
    } else if (ar.cause() instanceof DependencyTimeoutException timeout) {
      outcomes.failedWith(call, TIMEOUT_CLASS);
      outcomes.ran(call, Result.TIMEOUT);
      answers.failOrFallBack(call, Trigger.TIMEOUT, ErrorCode.TIMEOUT, Retries.detail(call, timeout.getMessage()),
          retries.retryAfterMillis(call));
    } else {
      outcomes.failedWith(call, ar.cause().getClass().getSimpleName());
      outcomes.ran(call, Result.FAILURE);
      answers.failOrFallBack(call, Trigger.FAILURE, ErrorCode.DEPENDENCY_FAILURE,
          Retries.detail(call, String.valueOf(ar.cause())), retries.retryAfterMillis(call));
    }
    finish(call, true);
  }


  /** The retry budget of the moment; null when retries are off. */
  RetryBudget retryBudget() {
    return retries.budget();
  }

  /** The retry budget's figures for the snapshot; null when retries are off. */
  JsonObject retry() {
    return retries.figures(System.nanoTime());
  }

  /** The adaptive concurrency limit's figures for the snapshot; null when the limit is static. */
  JsonObject concurrency() {
    return bulkhead.adaptiveFigures();
  }

  ErrorClasses errors() {
    return outcomes.errors();
  }

  /**
   * An adapter that throws instead of failing its future is a bug in Fusebox, not a verdict on the
   * dependency: the call is answered 500, counts for nothing and gives its permit back.
   */
  private void onAdapterBug(Call call, RuntimeException bug) {
    LOG.error("adapter of breaker {} threw instead of failing its future", name, bug);
    settle(call);
    call.breaker.release(call.permit);
    call.fail(ErrorCode.INTERNAL, name, call.state(), "the " + dependencyType + " adapter failed: " + bug, 0);
    finish(call, false);
  }

  private void onDeadline(Call call) {
    if (call.retryTimer != Call.NO_TIMER) {
      waitedPastDeadline(call);
      return;
    }
    if (!settle(call)) {
      return;
    }
    outcomes.failedWith(call, TIMEOUT_CLASS);
    outcomes.ran(call, Result.TIMEOUT);
    answers.failOrFallBack(call, Trigger.TIMEOUT, ErrorCode.TIMEOUT, "no result within the deadline", 0);
    finish(call, true);
  }

  /**
   * The deadline passed while the call waited to be retried: its last attempt was already judged,
   * so this is a timeout of our own making, counted and never held against the dependency.
   */
  private void waitedPastDeadline(Call call) {
    vertx.cancelTimer(call.retryTimer);
    call.retryTimer = Call.NO_TIMER;
    settle(call);
    outcomes.timedOutWaiting(call);
    answers.failOrFallBack(call, Trigger.TIMEOUT, ErrorCode.TIMEOUT, "the deadline passed while waiting to retry", 0);
    finish(call, false);
  }

  private void expireWaiting(Call call, String detail) {
    bulkhead.remove(call);
    outcomes.timedOutWaiting(call);
    call.settled = true;
    answers.failOrFallBack(call, Trigger.TIMEOUT, ErrorCode.TIMEOUT, detail, 0);
    tellIfIdle();
  }

  /**
   * Frees the call's slot and starts waiting calls in it. {@code measured}: the call ran to a
   * result or its deadline, so its round trip tells an adaptive limit of the dependency's load.
   */
  private void finish(Call call, boolean measured) {
    running.remove(call);
    bulkhead.free(call, measured, System.nanoTime());
    startWaiting();
    tellIfIdle();
  }

  private void startWaiting() {
    for (Call next = bulkhead.next(); next != null; next = bulkhead.next()) {
      vertx.cancelTimer(next.timerId);
      next.timerId = Call.NO_TIMER;
      long now = System.nanoTime();
      if (next.nearlySpent(now)) {
        expireWaiting(next, "less than a tenth of the deadline was left after waiting for a bulkhead slot");
      } else {
        start(next, now);
      }
    }
  }

  /** Answers every call still waiting or running; later calls are refused as shutting down. */
  void stop() {
    stopping = true;
    for (Call call : bulkhead.drainWaiting()) {
      vertx.cancelTimer(call.timerId);
      call.fail(ErrorCode.SHUTTING_DOWN, name, call.state(), "the breaker was undeployed while the call waited", 0);
    }
    for (Call call = running.oldest(); call != null; call = running.oldest()) {
      running.remove(call);
      if (call.retryTimer != Call.NO_TIMER) {
        // between attempts: the last one's permit went back with its outcome
        vertx.cancelTimer(call.retryTimer);
        call.retryTimer = Call.NO_TIMER;
      } else {
        call.breaker.release(call.permit);
      }
      call.fail(ErrorCode.SHUTTING_DOWN, name, call.state(), "the breaker was undeployed while the call ran", 0);
    }
  }

}
