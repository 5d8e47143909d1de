package io.fusebox.adapter;

/** The dependency could not be reached in time to run the call; counted as a failure. */
public final class DependencyUnreachableException extends RuntimeException {

  public DependencyUnreachableException(String message) {
    super(message, null, false, false);
  }
}
