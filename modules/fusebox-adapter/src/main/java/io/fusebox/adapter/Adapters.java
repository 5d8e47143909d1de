package io.fusebox.adapter;

import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds the factory of a dependency kind on the class path. The class path is read once: a node
 * deploying thousands of breakers spent half of each deployment in {@link ServiceLoader}'s lookup.
 */
public final class Adapters {

  private static volatile List<AdapterFactory> factories;

  private Adapters() {
  }

  /** @throws IllegalArgumentException naming the unknown type */
  public static AdapterFactory factory(String type) {
    for (AdapterFactory f : factories()) {
      if (f.type().equals(type)) {
        return f;
      }
    }
    throw new IllegalArgumentException("no adapter for dependency type '" + type + "' on the class path");
  }

  private static List<AdapterFactory> factories() {
    List<AdapterFactory> known = factories;
    if (known == null) {
      known = ServiceLoader.load(AdapterFactory.class).stream().map(ServiceLoader.Provider::get).toList();
      factories = known;
    }
    return known;
  }
}
