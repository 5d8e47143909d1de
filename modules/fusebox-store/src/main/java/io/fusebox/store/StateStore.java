package io.fusebox.store;

import io.vertx.core.Future;

/**
 * Where breaker states survive a restart. Writes happen off the call path and never fail a call:
 * a store that cannot write now keeps the latest state and writes it when it can.
 */
public interface StateStore {

  /** Records the latest state of one breaker instance; completes when written (or queued). */
  Future<Void> save(BreakerRecord record);

  /** The saved state of one breaker instance, or null when there is none. */
  Future<BreakerRecord> load(String breaker, String node);

  Future<Void> close();
}
