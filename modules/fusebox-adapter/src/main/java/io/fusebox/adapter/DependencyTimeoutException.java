package io.fusebox.adapter;

/** The dependency did not answer within the call's deadline. */
public final class DependencyTimeoutException extends RuntimeException {

  public DependencyTimeoutException(String message) {
    super(message, null, false, false);
  }
}
