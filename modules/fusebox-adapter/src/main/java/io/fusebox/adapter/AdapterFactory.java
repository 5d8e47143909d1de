package io.fusebox.adapter;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Makes the adapters of one dependency kind. Registered in
 * {@code META-INF/services/io.fusebox.adapter.AdapterFactory}, so a new kind is a jar on the class
 * path. The kind's keys are checked before a factory ever sees them, by the
 * {@code io.fusebox.config.DependencyKind} the same jar registers.
 */
public interface AdapterFactory {

  /** The value of {@code dependency.type} this factory makes adapters for. */
  String type();

  /**
   * @param dependency the validated {@code dependency} section
   */
  DependencyAdapter create(Vertx vertx, JsonObject dependency);
}
