package io.fusebox.core;

/**
 * Makes the breakers of a keyed family: one per key, all on one configuration and one thread, so
 * small that a hundred thousand keys fit in a few tens of megabytes. Next to a breaker made alone,
 * a key's breaker
 * <ul>
 *   <li>shares its rules, its open-timeout jitter and its one listener with the family's others;
 *   <li>is named by its key, which it shares with the family's map of keys;
 *   <li>keeps no counts or latencies (its snapshot shows zeros there: the family counts its calls);
 *   <li>cuts a time window into at most {@value BreakerRules#KEY_WINDOW_BUCKETS} buckets: a 60 s
 *       window into six of 10 s, which forgets its oldest outcomes ten seconds at a time, not one.
 * </ul>
 * It judges its calls by the same rules as any breaker: the same detectors, backoff, probes.
 */
public final class KeyBreakers {

  private BreakerRules rules;
  private final TransitionListener[] listener;

  /** @param listener told of every key's transitions, with the key as the transition's name */
  public KeyBreakers(BreakerConfig config, Clock clock, TransitionListener listener) {
    this.rules = BreakerRules.forKeys(config, clock, System.nanoTime());
    this.listener = new TransitionListener[] {listener};
  }

  public CircuitBreaker newBreaker(String key) {
    return new CircuitBreaker(key, rules, null, listener);
  }

  /**
   * Judges every key by {@code config} from now on: the keys made later, and {@code keys}, which
   * keep their state and their window's outcomes as any breaker does ({@link CircuitBreaker#reconfigure}).
   */
  public void reconfigure(BreakerConfig config, Iterable<CircuitBreaker> keys) {
    rules = BreakerRules.forKeys(config, rules.clock, System.nanoTime());
    for (CircuitBreaker key : keys) {
      key.reconfigure(rules);
    }
  }
}
