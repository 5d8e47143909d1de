package io.fusebox.vertx;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;

/**
 * Tells apart in-process breakers of one name in one Vert.x instance (a verticle deployed with
 * {@code instances: 4} that creates "catalog" in each; an application that creates its
 * vertx-circuit-breaker in every verticle): the first reports under the node's name, the next ones
 * under {@code node#2}, {@code node#3}..., so that their snapshots and meters never overwrite each
 * other. A closed breaker's label is free for the next one.
 */
final class InstanceLabels {

  private static final String MAP = "fusebox.in_process.labels";

  private InstanceLabels() {
  }

  static String claim(Vertx vertx, String breaker, String node) {
    LocalMap<String, Boolean> taken = vertx.sharedData().getLocalMap(MAP);
    for (int n = 1; ; n++) {
      String label = n == 1 ? node : node + "#" + n;
      if (taken.putIfAbsent(breaker + "@" + label, Boolean.TRUE) == null) {
        return label;
      }
    }
  }

  static void release(Vertx vertx, String breaker, String label) {
    vertx.sharedData().<String, Boolean>getLocalMap(MAP).remove(breaker + "@" + label);
  }
}
