package io.fusebox.protocol;

/** The dependency failed (502); the breaker counted a failure. */
public final class DependencyFailureException extends FuseboxException {

  public DependencyFailureException(FuseboxError error) {
    super(error);
  }
}
