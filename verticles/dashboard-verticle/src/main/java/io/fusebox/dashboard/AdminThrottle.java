package io.fusebox.dashboard;

import io.fusebox.protocol.LogLimiter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slows down whoever keeps failing to authenticate: each client address has a bucket of
 * {@link #BURST} failed attempts that refills at one a second; an address whose bucket is empty is
 * refused before its token is even looked at. Refusals are logged (at most one line a second, never
 * the token offered). Used from the dashboard's event loop.
 */
final class AdminThrottle {

  /** Failed attempts an address may make in a row. */
  static final int BURST = 10;
  /** Addresses remembered; the least recently seen are forgotten beyond it. */
  static final int MAX_ADDRESSES = 10_000;
  private static final long REFILL_NANOS = 1_000_000_000L;
  private static final Logger LOG = LoggerFactory.getLogger("fusebox.admin");

  private final LogLimiter logLimiter = new LogLimiter(1000);
  private final Map<String, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
      return size() > MAX_ADDRESSES;
    }
  };

  private static final class Bucket {
    double tokens = BURST;
    long refilledAt = System.nanoTime();

    void refill(long now) {
      tokens = Math.min(BURST, tokens + (double) (now - refilledAt) / REFILL_NANOS);
      refilledAt = now;
    }
  }

  /** Seconds the address must wait before it may try again; 0 when it may try now. */
  long waitSeconds(String address) {
    Bucket bucket = buckets.get(address);
    if (bucket == null) {
      return 0;
    }
    bucket.refill(System.nanoTime());
    return bucket.tokens >= 1 ? 0 : (long) Math.ceil(1 - bucket.tokens);
  }

  /** Counts a refused attempt, and logs it unless many were logged just now. */
  void refused(String address, String path, String why) {
    Bucket bucket = buckets.computeIfAbsent(address, a -> new Bucket());
    bucket.refill(System.nanoTime());
    bucket.tokens = Math.max(0, bucket.tokens - 1);
    if (logLimiter.tryAcquire()) {
      long held = logLimiter.suppressed();
      LOG.warn("refused admin request {} from {}: {}{}", path, address, why,
          held == 0 ? "" : " (" + held + " more refusals not logged)");
    }
  }
}
