package io.fusebox.config;

import java.util.Map;

/** A dependency kind for tests of the loader alone, shaped like the HTTP adapter's. */
final class TestKinds {

  static final DependencyKind HTTP = new DependencyKind() {
    @Override
    public String type() {
      return "http";
    }

    @Override
    public Spec.Section schema() {
      return Spec.section().required("base_url", Spec.string()).field("pool_size", Spec.integer(1, 1024));
    }
  };

  static final Map<String, DependencyKind> KINDS = Map.of("http", HTTP);

  private TestKinds() {
  }
}
