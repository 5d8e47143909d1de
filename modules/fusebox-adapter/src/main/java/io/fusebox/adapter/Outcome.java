package io.fusebox.adapter;

/** How a call's result counts for the breaker. */
public enum Outcome {
  /** The dependency did its job. */
  SUCCESS,
  /** The dependency failed; counts towards opening the breaker. */
  FAILURE,
  /** The dependency answered with the caller's own mistake; counts for neither side. */
  IGNORED
}
