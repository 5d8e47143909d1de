package io.fusebox.breaker;

import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.fallback.CacheFallback;
import io.fusebox.fallback.FallbackChain;
import io.fusebox.fallback.FallbackRefusedException;
import io.fusebox.fallback.FallbackRequest;
import io.fusebox.fallback.Trigger;
import io.fusebox.metrics.BreakerMeters;
import io.fusebox.protocol.ErrorCode;
import io.vertx.core.json.JsonObject;

/**
 * Answers a call that got no result from the dependency: from the fallback chain when the ledger
 * has it on and one of its entries answers the trigger, else with the error; and keeps a cache
 * fallback fed with the dependency's successful replies. One per chain: a reload that changes the
 * chain or the adapter makes a new one.
 */
final class FallbackAnswers {

  private final String name;
  private final FallbackChain fallbacks;
  /** Null when the chain has no cache. */
  private final CacheFallback cache;
  private final DependencyAdapter adapter;
  private final FallbackLedger ledger;
  private final BreakerMeters meters;

  FallbackAnswers(String name, FallbackChain fallbacks, DependencyAdapter adapter, FallbackLedger ledger,
      BreakerMeters meters) {
    this.name = name;
    this.fallbacks = fallbacks;
    this.cache = fallbacks.cache();
    this.adapter = adapter;
    this.ledger = ledger;
    this.meters = meters;
  }

  void failOrFallBack(Call call, Trigger trigger, ErrorCode code, String detail, long retryAfterMillis) {
    if (!ledger.enabled() || fallbacks.isEmpty()) {
      call.fail(code, name, call.state(), detail, retryAfterMillis);
      return;
    }
    long budget = (call.deadlineNanos - System.nanoTime()) / 1_000_000;
    fallbacks.run(new FallbackRequest(call.operation, adapter.readKey(call.operation), trigger, budget))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ledger.answered(ar.result().type());
            meters.fallback(ar.result().type());
            call.replyFallback(ar.result(), call.state());
          } else if (ar.cause() instanceof FallbackRefusedException refused) {
            call.fail(refused.code(), name, call.state(), refused.getMessage(), 0);
          } else {
            call.fail(code, name, call.state(), detail + "; " + ar.cause().getMessage(), retryAfterMillis);
          }
        });
  }

  /** A reply the dependency gave a call, for the cache to answer later ones with. */
  void remember(Call call, JsonObject reply) {
    if (cache != null) {
      cache.remember(adapter.readKey(call.operation), reply);
    }
  }
}
