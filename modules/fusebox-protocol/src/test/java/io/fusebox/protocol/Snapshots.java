package io.fusebox.protocol;

import io.fusebox.core.BreakerSnapshot;
import io.fusebox.core.BreakerState;
import java.util.List;
import java.util.Map;

/** Snapshots as a breaker would publish them, for the protocol's own tests. */
final class Snapshots {

  private Snapshots() {
  }

  static PublishedSnapshot of(String breaker, String node, BreakerState state, long retryAt, boolean fallback) {
    BreakerSnapshot core = new BreakerSnapshot(breaker, state, 1_700_000_000_000L, 90, 7, 1, 12, 3, 0.07, 0.125, 100,
        4.5, 12.25, 30.0, 30_000, 2, retryAt, 0);
    return new PublishedSnapshot(core, node, PublishedSnapshot.VERTICLE, "http",
        new PublishedSnapshot.Fallback(fallback, fallback ? List.of("cache", "static") : List.of(),
            fallback ? Map.of("cache", 4L) : Map.of(), fallback ? 4 : 0),
        new PublishedSnapshot.Thresholds(0.5, null, 10), null);
  }
}
