package io.fusebox.vertx;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * {@code bulkhead.max_concurrent_calls} calls in flight, then up to {@code max_wait_queue} waiting
 * in arrival order; a waiting call's wait counts against its deadline, and one whose deadline passes,
 * or that has less than a tenth of it left when a slot frees, leaves the queue with a timeout that
 * does not count against the dependency. Beyond the queue a call fails at once with 429 {@code bulkhead_full}.
 * A call whose operation completes at once never holds a slot. Runs on the breaker's context only.
 */
final class InProcessBulkhead {

  private final FuseboxBreaker breaker;
  private final int maxConcurrent;
  private final int maxWaiting;
  private final ArrayDeque<Waiting<?>> waiting = new ArrayDeque<>();
  private int inFlight;

  private static final class Waiting<T> {
    final Supplier<Future<T>> operation;
    final Classifier classifier;
    final long deadlineNanos;
    final Promise<T> answer = Promise.promise();
    long timer;

    Waiting(Supplier<Future<T>> operation, Classifier classifier, long deadlineNanos) {
      this.operation = operation;
      this.classifier = classifier;
      this.deadlineNanos = deadlineNanos;
    }
  }

  InProcessBulkhead(FuseboxBreaker breaker, int maxConcurrent, int maxWaiting) {
    this.breaker = breaker;
    this.maxConcurrent = maxConcurrent;
    this.maxWaiting = maxWaiting;
  }

  <T> Future<T> admit(Supplier<Future<T>> operation, Classifier classifier) {
    if (inFlight < maxConcurrent && waiting.isEmpty()) {
      return breaker.calls().run(operation, classifier, breaker.callTimeoutMillis());
    }
    if (waiting.size() >= maxWaiting) {
      return Future.failedFuture(breaker.refusals().bulkheadFull());
    }
    Waiting<T> call = new Waiting<>(operation, classifier, System.nanoTime() + breaker.callTimeoutMillis() * 1_000_000);
    call.timer = breaker.vertx().setTimer(Math.max(1, breaker.callTimeoutMillis()), id -> {
      if (waiting.remove(call)) {
        call.answer.fail(breaker.refusals().timedOutWaiting("the deadline passed while waiting for a bulkhead slot"));
      }
    });
    waiting.add(call);
    return call.answer.future();
  }

  void started() {
    inFlight++;
  }

  void finished() {
    inFlight--;
    while (inFlight < maxConcurrent && !waiting.isEmpty()) {
      start(waiting.poll());
    }
  }

  private <T> void start(Waiting<T> call) {
    breaker.vertx().cancelTimer(call.timer);
    long remainingMillis = (call.deadlineNanos - System.nanoTime()) / 1_000_000;
    // with less than a tenth of its time left the operation would almost surely time out, and the
    // breaker would blame the dependency for the wait in this queue
    if (remainingMillis * 10 < breaker.callTimeoutMillis()) {
      call.answer.fail(breaker.refusals().timedOutWaiting(
          "less than a tenth of the deadline was left after waiting for a bulkhead slot"));
      return;
    }
    breaker.calls().run(call.operation, call.classifier, remainingMillis).onComplete(call.answer);
  }

  int inFlight() {
    return inFlight;
  }

  int waiting() {
    return waiting.size();
  }
}
