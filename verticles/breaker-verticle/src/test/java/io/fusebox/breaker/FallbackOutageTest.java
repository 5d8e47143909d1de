package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.protocol.FuseboxReply;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A simulated outage: 10,000 requests of which 80% repeat reads of 50 hot items; the target is
 * that more than 95% of those reads are answered by the cache fallback.
 */
class FallbackOutageTest extends BreakerTestSupport {

  private static final int REQUESTS = 10_000;
  private static final int HOT_ITEMS = 50;
  private static final int CONCURRENCY = 50;

  @Test
  void mostRepeatReadsAreAnsweredFromTheCacheDuringAnOutage() {
    deploy("catalog", quiet().consecutiveFailures(5).openTimeout(Duration.ofMillis(500)).build(), upstream.baseUrl(),
        List.of(Map.of("type", "cache", "ttl", "1m", "max_stale", "10m")));
    for (int i = 0; i < HOT_ITEMS; i++) {
      get("catalog", "/items/" + i);
    }
    upstream.failAll();
    Random random = new Random(42);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      paths.add(random.nextDouble() < 0.8 ? "/items/" + random.nextInt(HOT_ITEMS) : "/items/cold-" + i);
    }
    AtomicInteger next = new AtomicInteger();
    AtomicInteger repeatReads = new AtomicInteger();
    AtomicInteger repeatReadsFromCache = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < CONCURRENCY; w++) {
      Promise<Void> done = Promise.promise();
      workers.add(done.future());
      vertx.runOnContext(v -> work(paths, next, repeatReads, repeatReadsFromCache, done));
    }
    await(Future.all(workers));
    double share = (double) repeatReadsFromCache.get() / repeatReads.get();
    System.out.printf("outage: %d of %d repeat reads (%.2f%%) answered from the cache%n",
        repeatReadsFromCache.get(), repeatReads.get(), share * 100);
    assertThat(repeatReads.get()).isGreaterThan(7_500);
    assertThat(share).isGreaterThan(0.95);
  }

  private void work(List<String> paths, AtomicInteger next, AtomicInteger repeatReads, AtomicInteger fromCache,
      Promise<Void> done) {
    int i = next.getAndIncrement();
    if (i >= paths.size()) {
      done.complete();
      return;
    }
    String path = paths.get(i);
    boolean repeat = !path.contains("cold");
    client.http("catalog").get(path).onComplete(ar -> {
      if (repeat) {
        repeatReads.incrementAndGet();
        FuseboxReply reply = ar.succeeded() ? ar.result() : null;
        if (reply != null && "cache".equals(reply.fallbackType())) {
          fromCache.incrementAndGet();
        }
      }
      work(paths, next, repeatReads, fromCache, done);
    });
  }
}
