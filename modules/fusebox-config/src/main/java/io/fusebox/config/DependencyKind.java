package io.fusebox.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A kind of protected dependency ({@code http}, {@code pg}...), found with {@link java.util.ServiceLoader},
 * so that the configuration knows each kind's keys without knowing the adapters.
 */
public interface DependencyKind {

  /** The value of {@code dependency.type}. */
  String type();

  /** The keys of the {@code dependency} section besides {@code type}. */
  Spec.Section schema();

  /**
   * Makes the section's file paths absolute: a relative one is relative to the configuration
   * file's directory, so that a file works from wherever the node is started.
   */
  default void resolvePaths(Map<String, Object> dependency, Path configDirectory) {
  }

  /**
   * What would fail at start beyond each key's own rules, checked once the keys are valid: a file
   * that is missing, a name that is not in it. Problems read {@code path.key: problem (got X, expected Y)}.
   */
  default void checkTogether(String path, Map<?, ?> dependency, List<String> problems) {
  }
}
