package io.fusebox.adapter;

import io.fusebox.config.DependencyKind;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * Makes the adapters of one dependency kind. Registered in
 * {@code META-INF/services/io.fusebox.adapter.AdapterFactory} (and, for the configuration's
 * validation, {@code io.fusebox.config.DependencyKind}), so a new kind is a jar on the class path.
 */
public interface AdapterFactory extends DependencyKind {

  /**
   * @param dependency the validated {@code dependency} section
   */
  DependencyAdapter create(Vertx vertx, JsonObject dependency);
}
