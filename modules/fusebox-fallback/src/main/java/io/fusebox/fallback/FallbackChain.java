package io.fusebox.fallback;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's fallbacks, tried in order for the trigger at hand: the first that answers wins; when
 * none does, the failure lists why each one did not.
 */
public final class FallbackChain {

  private final List<Fallback> fallbacks;

  public FallbackChain(List<Fallback> fallbacks) {
    this.fallbacks = List.copyOf(fallbacks);
  }

  public boolean isEmpty() {
    return fallbacks.isEmpty();
  }

  public List<String> types() {
    return fallbacks.stream().map(Fallback::type).toList();
  }

  /** The chain's cache, to fill with successful results, or null when it has none. */
  public CacheFallback cache() {
    for (Fallback f : fallbacks) {
      if (f instanceof CacheFallback cache) {
        return cache;
      }
    }
    return null;
  }

  /**
   * @return the first answer, or a failure: a {@link FallbackRefusedException} when a fallback
   *     refused the call outright, else an exception whose message lists each fallback's reason
   */
  public Future<FallbackReply> run(FallbackRequest request) {
    return tryFrom(0, request, new ArrayList<>());
  }

  private Future<FallbackReply> tryFrom(int index, FallbackRequest request, List<String> reasons) {
    for (int i = index; i < fallbacks.size(); i++) {
      Fallback f = fallbacks.get(i);
      if (!f.answers(request.trigger())) {
        continue;
      }
      int next = i + 1;
      return f.apply(request).recover(failure -> {
        if (failure instanceof FallbackRefusedException) {
          return Future.failedFuture(failure);
        }
        reasons.add(f.type() + ": " + failure.getMessage());
        return tryFrom(next, request, reasons);
      });
    }
    return Future.failedFuture(new IllegalStateException(reasons.isEmpty()
        ? "no fallback answers " + request.trigger().wireName()
        : "fallbacks failed: " + String.join("; ", reasons)));
  }
}
