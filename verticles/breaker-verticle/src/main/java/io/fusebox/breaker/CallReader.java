package io.fusebox.breaker;

import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Priority;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.Headers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * Turns a request into a {@link Call}: the operation, checked by the adapter; its deadline (the
 * breaker's {@code call_timeout}, or the caller's shorter {@code fusebox-timeout-ms}); its trace.
 * A malformed request (a keyed family's call without its key, an unknown priority too) is answered 400 at once, counts
 * for nothing and never becomes a call.
 */
final class CallReader {

  private final String name;
  private final long callTimeoutMillis;
  private final DependencyAdapter adapter;
  /** Null when tracing is off. */
  private final Tracer tracer;
  private final CircuitBreaker breaker;
  /** Where a keyed family's calls carry their key; null for a breaker that is not keyed. */
  private final KeySource keySource;

  CallReader(String name, long callTimeoutMillis, DependencyAdapter adapter, Tracer tracer, CircuitBreaker breaker,
      KeySource keySource) {
    this.keySource = keySource;
    this.name = name;
    this.callTimeoutMillis = callTimeoutMillis;
    this.adapter = adapter;
    this.tracer = tracer;
    this.breaker = breaker;
  }

  /** The call, or null when the request was malformed and has been answered. */
  Call read(Message<Object> message, long nowNanos) {
    if (!(message.body() instanceof JsonObject operation)) {
      badRequest(message, "the operation must be a JSON object (got " + describe(message.body()) + ")");
      return null;
    }
    long timeoutMillis = callTimeoutMillis;
    boolean ownDeadline = false;
    // most calls carry no headers: skip the case-insensitive lookups then
    MultiMap headers = message.headers();
    boolean anyHeaders = !headers.isEmpty();
    String header = anyHeaders ? headers.get(Headers.TIMEOUT_MS) : null;
    if (header != null) {
      long requested = parsePositive(header);
      if (requested <= 0) {
        badRequest(message, Headers.TIMEOUT_MS + " must be a positive whole number of milliseconds (got '"
            + abbreviate(header) + "')");
        return null;
      }
      ownDeadline = requested < timeoutMillis;
      timeoutMillis = Math.min(timeoutMillis, requested);
    }
    Priority priority = Priority.NORMAL;
    header = anyHeaders ? headers.get(Headers.PRIORITY) : null;
    if (header != null) {
      priority = Priority.fromWireName(header);
      if (priority == null) {
        badRequest(message, Headers.PRIORITY + " must be critical, normal or sheddable (got '" + abbreviate(header) + "')");
        return null;
      }
    }
    String key = null;
    if (keySource != null) {
      String[] problem = new String[1];
      key = keySource.keyOf(headers, operation, problem);
      if (key == null) {
        badRequest(message, problem[0]);
        return null;
      }
    }
    String invalid = adapter.invalid(operation);
    if (invalid != null) {
      badRequest(message, invalid);
      return null;
    }
    // with tracing on, Vert.x carries the trace context to here; adapters whose client does not carry
    // it on (gRPC) are handed the breaker span's
    Span span = tracer == null ? null
        : tracer.spanBuilder("fusebox " + name).setAttribute("fusebox.breaker", name).startSpan();
    String traceparent = span == null ? (anyHeaders ? Headers.validTraceparent(headers.get(Headers.TRACEPARENT)) : null)
        : adapter.tracesItself() ? null : traceparent(span.getSpanContext());
    Call call = new Call(message, operation, traceparent, nowNanos, nowNanos + timeoutMillis * 1_000_000, ownDeadline);
    call.span = span;
    call.key = key;
    call.priority = priority;
    return call;
  }

  private void badRequest(Message<?> message, String detail) {
    new FuseboxError(ErrorCode.BAD_REQUEST, name, breaker.state().wireName(), detail, 0).failOn(message);
  }

  /** The W3C {@code traceparent} of a span. */
  private static String traceparent(SpanContext span) {
    return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
  }

  private static long parsePositive(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String describe(Object body) {
    return body == null ? "no body" : body.getClass().getSimpleName();
  }

  static String abbreviate(String text) {
    return text.length() > 40 ? text.substring(0, 40) + "..." : text;
  }
}
