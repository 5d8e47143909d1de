package io.fusebox.testkit;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * What adapter tests watch while they inject faults: every transition and snapshot on the bus,
 * with waits that fail with what was seen.
 */
public final class BreakerHarness {

  private final List<JsonObject> transitions = new CopyOnWriteArrayList<>();
  private final List<JsonObject> snapshots = new CopyOnWriteArrayList<>();

  public BreakerHarness(Vertx vertx) {
    vertx.eventBus().<JsonObject>consumer("fusebox.events", m -> transitions.add(m.body()));
    vertx.eventBus().<JsonObject>consumer("fusebox.snapshots", m -> snapshots.add(m.body()));
  }

  public List<JsonObject> transitions() {
    return transitions;
  }

  /** Waits for the n-th transition of the breaker into the state. */
  public void awaitTransition(String breaker, String to, int nth, long timeoutMillis) {
    Awaitility.await("transition " + nth + " of " + breaker + " to " + to + " (seen: " + transitions + ")")
        .atMost(Duration.ofMillis(timeoutMillis))
        .until(() -> transitionsTo(breaker, to) >= nth);
  }

  /** How many times the breaker has moved into the state so far. */
  public long transitionsTo(String breaker, String to) {
    return transitions.stream().filter(t -> breaker.equals(t.getString("breaker")) && to.equals(t.getString("to"))).count();
  }

  /** The breaker's state as its latest snapshot or transition says. */
  public String state(String breaker) {
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      if (breaker.equals(snapshots.get(i).getString("breaker"))) {
        return snapshots.get(i).getString("state");
      }
    }
    return null;
  }

  /**
   * Sends {@code n} calls, {@code lanes} at a time, each lane starting its next call when the
   * previous one is answered, and waits until all are answered, whatever the answers.
   */
  public static void burst(Vertx vertx, int n, int lanes, Supplier<Future<?>> call) {
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> done = new ArrayList<>();
    for (int lane = 0; lane < lanes; lane++) {
      Promise<Void> finished = Promise.promise();
      done.add(finished.future());
      vertx.runOnContext(v -> lane(n, next, call, finished));
    }
    await(Future.all(done));
  }

  private static void lane(int n, AtomicInteger next, Supplier<Future<?>> call,
      Promise<Void> finished) {
    if (next.getAndIncrement() >= n) {
      finished.complete();
      return;
    }
    call.get().onComplete(ar -> lane(n, next, call, finished));
  }

  /**
   * A breaker whose detectors are all off, over a 100-call window: a test turns on the one it is
   * about and sets the timeouts it needs.
   */
  public static BreakerConfigBuilder detectorsOff() {
    return BreakerConfig.builder().consecutiveFailuresEnabled(false).failureRateEnabled(false).slowCallsEnabled(false)
        .countWindow(100);
  }

  /** Holds the calling thread busy, as a pause of the process holds an event loop. */
  public static void stall(long millis) {
    long until = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }

  /** Sleeps the calling thread (a driver's main thread, never an event loop) until {@code nanoTime}. */
  public static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future failed: " + e, e);
    }
  }

  /** The failure a future ended with; fails if it succeeded. */
  public static Throwable failure(Future<?> future) {
    try {
      future.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("expected a failure, but it succeeded");
  }

  /**
   * Lets the time pass during which something must not happen, checking all along that it does
   * not: the one kind of wait a test may not shorten, since "nothing happened" needs the time.
   */
  public static void holdsFor(Duration time, Callable<Boolean> condition) {
    Awaitility.await().during(time).atMost(time.plusSeconds(5)).until(condition);
  }
}
