package io.fusebox.protocol;

import java.util.regex.Pattern;

/** Event-bus message headers of DESIGN.md. */
public final class Headers {

  /** Request: a deadline in milliseconds, shorter than the breaker's {@code call_timeout}. */
  public static final String TIMEOUT_MS = "fusebox-timeout-ms";
  /** Request: W3C trace context, passed on to the dependency. */
  public static final String TRACEPARENT = "traceparent";
  /** Request: {@code critical}, {@code normal} (the default) or {@code sheddable}; shed last to first. */
  public static final String PRIORITY = "fusebox-priority";
  /** Reply: {@code success} or {@code fallback}. */
  public static final String OUTCOME = "fusebox-outcome";
  /** Reply: the fallback type that answered. */
  public static final String FALLBACK = "fusebox-fallback";
  /** Reply: the age in milliseconds of stale cached data. */
  public static final String STALE_MS = "fusebox-stale-ms";
  /** Reply: the breaker's state after the call. */
  public static final String STATE = "fusebox-state";
  /** Reply: {@code exhausted} when the breaker would have retried the call but its retry budget was spent. */
  public static final String RETRY_BUDGET = "fusebox-retry-budget";
  public static final String RETRY_BUDGET_EXHAUSTED = "exhausted";

  public static final String OUTCOME_SUCCESS = "success";
  public static final String OUTCOME_FALLBACK = "fallback";

  /** W3C Trace Context level 1: version, trace id, parent id, flags, in lower-case hex. */
  private static final Pattern TRACEPARENT_FORMAT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

  private Headers() {
  }

  /**
   * The traceparent if it is one, else null: as W3C Trace Context asks, a malformed one is ignored,
   * never passed on (it could carry anything into the dependency's request).
   */
  public static String validTraceparent(String value) {
    return value != null && !value.startsWith("ff") && TRACEPARENT_FORMAT.matcher(value).matches() ? value : null;
  }
}
