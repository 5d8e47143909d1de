package io.fusebox.reliability;

import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * What every scenario shares: the fat jar it runs nodes from, a directory for their files, the
 * runner's own Vert.x (dependency simulators, bridge load, proxies) and the compiled classes that a
 * node loads user verticles from.
 */
record Workspace(Path jar, Path root, Vertx vertx, Path classes) {
}
