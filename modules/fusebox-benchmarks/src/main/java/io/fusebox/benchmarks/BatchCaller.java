package io.fusebox.benchmarks;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The caller of the event-bus benchmarks: a verticle on an event loop of its own, as callers of a
 * breaker are, that keeps {@code inFlight} requests outstanding and sends the next one from each
 * reply, {@link #BATCH} a run. JMH's thread only waits for each batch, so that the figures are the
 * event bus's and the verticles', not those of a benchmark thread parking per call.
 */
final class BatchCaller extends VerticleBase {

  static final int BATCH = 2_000;

  private final int inFlight;
  /** Round trips in nanoseconds, when timed; null when not, as a clock read costs a shared-loop call 5%. */
  private final long[] roundTrips;
  private int timed;
  private Supplier<Future<?>> request;
  private int sent;
  private int answered;
  private int failed;
  private Promise<Integer> batch;

  BatchCaller(int inFlight, boolean timed) {
    this.inFlight = inFlight;
    this.roundTrips = timed ? new long[1 << 20] : null;
  }

  /** Completes with the number of failed requests once a whole batch is answered. */
  Future<Integer> run(Supplier<Future<?>> request) {
    Promise<Integer> done = Promise.promise();
    context.runOnContext(v -> {
      this.request = request;
      sent = 0;
      answered = 0;
      failed = 0;
      batch = done;
      for (int i = 0; i < Math.min(inFlight, BATCH); i++) {
        send();
      }
    });
    return done.future();
  }

  private void send() {
    sent++;
    long start = roundTrips == null ? 0 : System.nanoTime();
    request.get().onComplete(ar -> {
      if (roundTrips != null && timed < roundTrips.length) {
        roundTrips[timed++] = System.nanoTime() - start;
      }
      answered++;
      if (ar.failed()) {
        failed++;
      }
      if (sent < BATCH) {
        send();
      } else if (answered == BATCH) {
        batch.complete(failed);
      }
    });
  }

  /** The median and 99th percentile of the round trips timed since the last call, in microseconds. */
  Future<String> percentiles() {
    Promise<String> result = Promise.promise();
    context.runOnContext(v -> {
      long[] sorted = Arrays.copyOf(roundTrips, timed);
      timed = 0;
      Arrays.sort(sorted);
      result.complete(sorted.length == 0 ? "none" : String.format("p50 %.1f us p99 %.1f us",
          sorted[sorted.length / 2] / 1000.0, sorted[(int) (sorted.length * 0.99)] / 1000.0));
    });
    return result.future();
  }
}
