package io.fusebox.protocol;

/** Event-bus message headers of DESIGN.md. */
public final class Headers {

  /** Request: a deadline in milliseconds, shorter than the breaker's {@code call_timeout}. */
  public static final String TIMEOUT_MS = "fusebox-timeout-ms";
  /** Request: W3C trace context, passed on to the dependency. */
  public static final String TRACEPARENT = "traceparent";
  /** Reply: {@code success} or {@code fallback}. */
  public static final String OUTCOME = "fusebox-outcome";
  /** Reply: the fallback type that answered. */
  public static final String FALLBACK = "fusebox-fallback";
  /** Reply: the age in milliseconds of stale cached data. */
  public static final String STALE_MS = "fusebox-stale-ms";
  /** Reply: the breaker's state after the call. */
  public static final String STATE = "fusebox-state";

  public static final String OUTCOME_SUCCESS = "success";
  public static final String OUTCOME_FALLBACK = "fallback";

  private Headers() {
  }
}
