package io.fusebox.fallback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.fusebox.config.FallbackNames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;

/**
 * Answers reads with the last successful result of the same read: fresh within {@code ttl}, then
 * stale up to {@code max_stale} more, with its age. Writes are never cached. Holds at most
 * {@code max_entries} results.
 */
public final class CacheFallback extends Fallback {

  /** How long a cached result counts as fresh. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
  /** How long after that it may still be served, marked stale. */
  public static final Duration DEFAULT_MAX_STALE = Duration.ofMinutes(10);
  /** Results kept at most; the least used go first. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;

  private record Entry(JsonObject body, long storedAtMillis) {
  }

  private final Cache<String, Entry> cache;
  private final long ttlMillis;

  CacheFallback(Set<Trigger> on, Duration ttl, Duration maxStale, int maxEntries) {
    super(FallbackNames.CACHE, on);
    this.ttlMillis = ttl.toMillis();
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxEntries)
        .expireAfterWrite(ttl.plus(maxStale))
        // maintenance runs on the caller's event loop instead of a pool thread
        .executor(Runnable::run)
        .build();
  }

  /** Keeps a successful read's result; a write (no key) is ignored. */
  public void remember(String readKey, JsonObject body) {
    if (readKey != null) {
      cache.put(readKey, new Entry(body, System.currentTimeMillis()));
    }
  }

  @Override
  public Future<FallbackReply> apply(FallbackRequest request) {
    Entry entry = request.readKey() == null ? null : cache.getIfPresent(request.readKey());
    if (entry == null) {
      return Future.failedFuture(request.readKey() == null ? "a write is never cached" : "no cached result");
    }
    long age = System.currentTimeMillis() - entry.storedAtMillis;
    return Future.succeededFuture(new FallbackReply(type(), entry.body, age <= ttlMillis ? -1 : age));
  }

  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }
}
