package io.fusebox.vertx;

/** How an in-process breaker counts a call that ran, as a {@link Classifier} decides. */
public enum Outcome {
  /** The dependency did its job. */
  SUCCESS,
  /** The dependency failed: counted, and judged by the detectors. */
  FAILURE,
  /** The dependency answered with an error that says nothing about its health: counted apart, judges nothing. */
  IGNORED,
  /** The caller's own mistake: counts for nothing at all, as a malformed request to a breaker verticle. */
  CALLERS_FAULT
}
