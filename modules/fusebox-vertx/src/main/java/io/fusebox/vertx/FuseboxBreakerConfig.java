package io.fusebox.vertx;

import io.fusebox.config.ConfigException;
import io.fusebox.config.ConfigLoader;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads an in-process breaker's configuration from a Fusebox configuration file (YAML, or TOML by
 * its extension): the section {@code circuit_breakers.in_process.<name>}, over its preset and
 * {@code circuit_breakers.default}, with {@code FUSEBOX__...} environment overrides, checked as the
 * node checks its file.
 */
public final class FuseboxBreakerConfig {

  private FuseboxBreakerConfig() {
  }

  /** @throws ConfigException naming every problem of the file, or the missing section */
  public static BreakerConfig load(Path file, String name) throws ConfigException {
    FuseboxConfig config = new ConfigLoader().load(file, System.getenv());
    BreakerConfig breaker = config.inProcess().get(name);
    if (breaker == null) {
      throw new ConfigException(List.of("circuit_breakers.in_process." + name + ": missing (got "
          + (config.inProcess().isEmpty() ? "no in-process breakers" : config.inProcess().keySet())
          + ", expected a section for breaker " + name + ")"));
    }
    return breaker;
  }
}
