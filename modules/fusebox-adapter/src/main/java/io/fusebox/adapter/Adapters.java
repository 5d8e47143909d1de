package io.fusebox.adapter;

import java.util.ServiceLoader;

/** Finds the factory of a dependency kind on the class path. */
public final class Adapters {

  private Adapters() {
  }

  /** @throws IllegalArgumentException naming the unknown type */
  public static AdapterFactory factory(String type) {
    for (AdapterFactory f : ServiceLoader.load(AdapterFactory.class)) {
      if (f.type().equals(type)) {
        return f;
      }
    }
    throw new IllegalArgumentException("no adapter for dependency type '" + type + "' on the class path");
  }
}
