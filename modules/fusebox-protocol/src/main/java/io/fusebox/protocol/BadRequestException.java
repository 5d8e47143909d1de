package io.fusebox.protocol;

/** The operation was malformed for the breaker's adapter (400); the breaker counted nothing. */
public final class BadRequestException extends FuseboxException {

  public BadRequestException(FuseboxError error) {
    super(error);
  }
}
