package io.fusebox.config;

import java.util.List;

/** A configuration refused as a whole, with every problem found. */
public final class ConfigException extends Exception {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(problems.size() + " problem(s) in the configuration:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem as {@code path: problem (got X, expected Y)}. */
  public List<String> problems() {
    return problems;
  }
}
