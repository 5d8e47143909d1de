package io.fusebox.breaker;

import io.fusebox.protocol.PublishedSnapshot;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fallback chain's runtime switch (admin {@code fallback_on} / {@code fallback_off}, kept across
 * restarts) and what it answered, for snapshots and metrics.
 */
final class FallbackLedger {

  private List<String> types;
  private final Map<String, Long> executions = new LinkedHashMap<>();
  private boolean enabled = true;
  private long calls;

  FallbackLedger(List<String> types) {
    this.types = types;
  }

  /** A new chain: its types from now on; the switch and what the old chain answered are kept. */
  void types(List<String> types) {
    this.types = types;
  }

  boolean enabled() {
    return enabled;
  }

  void enabled(boolean on) {
    enabled = on;
  }

  void answered(String type) {
    calls++;
    executions.merge(type, 1L, Long::sum);
  }

  PublishedSnapshot.Fallback summary() {
    return new PublishedSnapshot.Fallback(enabled, types, executions, calls);
  }
}
