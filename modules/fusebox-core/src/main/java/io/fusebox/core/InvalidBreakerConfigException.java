package io.fusebox.core;

import java.util.List;

/** Thrown when a breaker configuration breaks a rule; lists every problem, not just the first. */
public final class InvalidBreakerConfigException extends IllegalArgumentException {

  private final List<String> problems;

  public InvalidBreakerConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code path: problem (got X, expected Y)}. */
  public List<String> problems() {
    return problems;
  }
}
