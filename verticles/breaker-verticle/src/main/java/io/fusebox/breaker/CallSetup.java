package io.fusebox.breaker;

import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.core.BreakerConfig;
import io.fusebox.fallback.FallbackChain;

/**
 * What a {@link CallPipeline} runs a call on: the parts of a breaker that a live reload may swap
 * together, between two calls.
 *
 * @param activeProbe null unless the verticle probes a half-open dependency itself
 * @param family null when the breaker is not a keyed family
 * @param keySource null when the breaker is not a keyed family
 */
record CallSetup(BreakerConfig config, String dependencyType, DependencyAdapter adapter, FallbackChain fallbacks,
    ActiveProbe activeProbe, KeyedFamily family, KeySource keySource) {
}
