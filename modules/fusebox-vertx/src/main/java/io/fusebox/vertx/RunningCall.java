package io.fusebox.vertx;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * A call whose operation returned a future not yet complete: answered with the operation's outcome
 * or, at its deadline, with a timeout, whichever comes first, on the breaker's context; the other is
 * dropped. It holds a bulkhead slot until then.
 */
final class RunningCall<T> {

  private final FuseboxBreaker breaker;
  private final long permit;
  private final long startedNanos;
  private final Classifier classifier;
  private final long timeoutMillis;
  private final Promise<T> answer = Promise.promise();
  private final long timer;
  private boolean done;

  RunningCall(FuseboxBreaker breaker, long permit, long startedNanos, Future<T> operation, Classifier classifier,
      long timeoutMillis) {
    this.breaker = breaker;
    this.permit = permit;
    this.startedNanos = startedNanos;
    this.classifier = classifier;
    this.timeoutMillis = timeoutMillis;
    breaker.bulkhead().started();
    this.timer = breaker.vertx().setTimer(Math.max(1, timeoutMillis), id -> expire());
    // the operation's future may complete on another context: its outcome is counted on the breaker's
    operation.onComplete(outcome -> breaker.onContext(() -> complete(outcome)));
  }

  Future<T> answer() {
    return answer.future();
  }

  private void expire() {
    if (done) {
      return;
    }
    done = true;
    breaker.calls().recordTimeout(permit, startedNanos);
    answer.fail(breaker.refusals().timeout("no result within " + timeoutMillis + " ms"));
    breaker.bulkhead().finished();
  }

  private void complete(AsyncResult<T> outcome) {
    if (done) {
      return;
    }
    done = true;
    breaker.vertx().cancelTimer(timer);
    breaker.calls().record(permit, startedNanos, outcome.result(), outcome.cause(), classifier);
    answer.handle(outcome);
    breaker.bulkhead().finished();
  }
}
