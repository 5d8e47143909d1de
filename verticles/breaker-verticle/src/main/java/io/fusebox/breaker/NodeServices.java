package io.fusebox.breaker;

import io.fusebox.store.MemoryStateStore;
import io.fusebox.store.StateStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

/**
 * What a node gives each breaker verticle: where it reports (meters, trace spans unless tracing is
 * off, transitions as text or JSON lines) and where its state survives restarts.
 *
 * @param openTelemetry null when tracing is off
 */
public record NodeServices(MeterRegistry registry, OpenTelemetry openTelemetry, boolean jsonTransitionLog,
    StateStore store) {

  /** Meters only: no tracing, transitions logged as text, state kept in memory. */
  public static NodeServices metrics(MeterRegistry registry) {
    return new NodeServices(registry, null, false, new MemoryStateStore());
  }

  boolean tracing() {
    return openTelemetry != null;
  }

  Tracer tracer() {
    return openTelemetry.getTracer("io.fusebox.breaker");
  }
}
