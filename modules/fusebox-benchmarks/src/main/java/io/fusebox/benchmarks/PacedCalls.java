package io.fusebox.benchmarks;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * An open-loop load: calls to an address at a steady rate from {@code start} to {@code end}
 * ({@link System#nanoTime()}), every millisecond what is due, whatever the replies take; each
 * reply (or failure) is handed to the recorder on the sender's event loop. Start it on that loop.
 */
final class PacedCalls {

  /** What a benchmark keeps of each call: when it was sent and answered, and its reply or its failure. */
  interface Recorder {
    void answered(long sentAt, long answeredAt, Message<Object> reply, Throwable failure);
  }

  private final Vertx vertx;
  private final String address;
  private final JsonObject operation;
  private final DeliveryOptions options;
  private final double perNano;
  private final long start;
  private final long end;
  private final Recorder recorder;
  private long sent;

  PacedCalls(Vertx vertx, String address, JsonObject operation, DeliveryOptions options, double perSecond, long start,
      long end, Recorder recorder) {
    this.vertx = vertx;
    this.address = address;
    this.operation = operation;
    this.options = options;
    this.perNano = perSecond / 1e9;
    this.start = start;
    this.end = end;
    this.recorder = recorder;
  }

  void run() {
    vertx.setPeriodic(1, id -> {
      long now = System.nanoTime();
      if (now >= end) {
        vertx.cancelTimer(id);
        return;
      }
      long due = now < start ? 0 : (long) ((now - start) * perNano);
      for (; sent < due; sent++) {
        vertx.eventBus().<Object>request(address, operation, options).onComplete(ar ->
            recorder.answered(now, System.nanoTime(), ar.succeeded() ? ar.result() : null, ar.cause()));
      }
    });
  }
}
