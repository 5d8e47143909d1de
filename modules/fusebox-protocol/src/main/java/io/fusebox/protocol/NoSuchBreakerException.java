package io.fusebox.protocol;

/** No breaker of that name is deployed anywhere the event bus reaches ({@code NO_HANDLERS}). */
public final class NoSuchBreakerException extends RuntimeException {

  private final String breaker;

  public NoSuchBreakerException(String breaker) {
    super("no breaker '" + breaker + "' is deployed (no handler at " + Addresses.call(breaker) + ")", null, false, false);
    this.breaker = breaker;
  }

  public String breaker() {
    return breaker;
  }
}
