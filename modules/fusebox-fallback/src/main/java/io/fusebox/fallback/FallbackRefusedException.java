package io.fusebox.fallback;

import io.fusebox.protocol.ErrorCode;

/**
 * A fallback's final word that is an error, ending the chain: a write refused in read-only mode.
 */
public final class FallbackRefusedException extends RuntimeException {

  private final ErrorCode code;

  public FallbackRefusedException(ErrorCode code, String detail) {
    super(detail, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
