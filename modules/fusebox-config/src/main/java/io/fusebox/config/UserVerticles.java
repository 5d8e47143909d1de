package io.fusebox.config;

import java.util.List;
import java.util.Map;

/** What would fail when a node deploys the user's verticles: a class that is not there. */
final class UserVerticles {

  private UserVerticles() {
  }

  /** @param verticles the {@code fusebox.verticles} list, its keys already checked */
  static void check(Object verticles, ClassLoader classes, List<String> problems) {
    if (!(verticles instanceof List<?> list)) {
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) instanceof Map<?, ?> verticle && verticle.get("class") instanceof String name) {
        try {
          Class.forName(name, false, classes);
        } catch (ClassNotFoundException | LinkageError e) {
          problems.add("fusebox.verticles[" + i + "].class: not found (got " + name
              + ", expected a class in a jar in lib/ or on --classpath)");
        }
      }
    }
  }
}
