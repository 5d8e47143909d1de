package io.fusebox.protocol;

import java.time.Duration;

/** The breaker is open (503): the call was not run. Try again after {@link #retryAfter()}. */
public final class CircuitOpenException extends FuseboxException {

  public CircuitOpenException(FuseboxError error) {
    super(error);
  }

  public Duration retryAfter() {
    return Duration.ofMillis(error().retryAfterMillis());
  }
}
