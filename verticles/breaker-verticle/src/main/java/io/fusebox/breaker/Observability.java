package io.fusebox.breaker;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;

/**
 * Where a breaker verticle reports: its meters, its trace spans (none unless tracing is
 * configured), and whether each transition is also logged as one JSON line.
 *
 * @param openTelemetry null when tracing is off
 */
public record Observability(MeterRegistry registry, OpenTelemetry openTelemetry, boolean jsonTransitionLog) {

  /** Meters only: no tracing, transitions logged as text. */
  public static Observability metrics(MeterRegistry registry) {
    return new Observability(registry, null, false);
  }

  boolean tracing() {
    return openTelemetry != null;
  }

  Tracer tracer() {
    return openTelemetry.getTracer("io.fusebox.breaker");
  }
}
