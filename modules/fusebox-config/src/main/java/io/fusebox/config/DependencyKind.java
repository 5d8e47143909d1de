package io.fusebox.config;

/**
 * A kind of protected dependency ({@code http}, {@code pg}...), found with {@link java.util.ServiceLoader},
 * so that the configuration knows each kind's keys without knowing the adapters.
 */
public interface DependencyKind {

  /** The value of {@code dependency.type}. */
  String type();

  /** The keys of the {@code dependency} section besides {@code type}. */
  Spec.Section schema();
}
