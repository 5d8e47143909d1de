package io.fusebox.benchmarks;

import io.fusebox.core.BreakerState;
import io.fusebox.core.CircuitBreaker;
import io.fusebox.core.Clock;
import io.fusebox.core.KeyBreakers;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;

/**
 * Retained heap of one breaker, measured by walking its object graph with JOL, for Fusebox and
 * Resilience4j configured alike. "Detection state" is what judges calls: Fusebox's window and
 * detectors, Resilience4j's metrics (its sliding window). A keyed family's key is measured without
 * what the family's breakers share and without its key string (the family's map holds that).
 *
 * <p>Objects every breaker shares (the system clock, enum constants) are left out of both.
 */
public final class MemoryFootprint {

  /** One measured breaker. */
  public record Footprint(String breaker, String window, long totalBytes, long detectionBytes) {
  }

  static {
    // JOL cannot read the fields of lambdas (hidden classes) that Resilience4j's config holds
    // without this mode
    System.setProperty("jol.magicFieldOffset", "true");
  }

  private MemoryFootprint() {
  }

  public static void main(String[] args) {
    System.out.println("| breaker | window | retained per breaker | of which detection state |");
    System.out.println("|---|---|---|---|");
    for (Footprint f : measure()) {
      System.out.printf(Locale.ROOT, "| %s | %s | %d bytes | %d bytes |%n",
          f.breaker(), f.window(), f.totalBytes(), f.detectionBytes());
    }
  }

  public static List<Footprint> measure() {
    List<Footprint> rows = new ArrayList<>();
    for (boolean timeWindow : new boolean[] {false, true}) {
      String window = timeWindow ? "time, 60 s" : "count, 100 calls";
      CircuitBreaker fusebox = Contenders.fusebox(timeWindow, Clock.SYSTEM);
      Object rules = field(fusebox, "rules");
      Object[] detection = {field(fusebox, "window"), field(fusebox, "consecutive"),
          field(rules, "failureRate"), field(rules, "slowCallRate")};
      rows.add(new Footprint("Fusebox", window,
          retained(new Object[] {fusebox}), retained(detection)));

      // a keyed family's key: what the family's breakers share (rules, listener) left out
      CircuitBreaker key = new KeyBreakers(Contenders.fuseboxConfig(timeWindow), Clock.SYSTEM, t -> { })
          .newBreaker("tenant-00001");
      Object[] keyDetection = {field(key, "window"), field(key, "consecutive")};
      rows.add(new Footprint("Fusebox key", window,
          retained(new Object[] {key}, field(key, "rules"), field(key, "listeners"), key.name()),
          retained(keyDetection)));

      var resilience4j = Contenders.resilience4j(timeWindow);
      rows.add(new Footprint("Resilience4j", window,
          retained(new Object[] {resilience4j}), retained(new Object[] {resilience4j.getMetrics()})));
    }
    return rows;
  }

  /** Everything reachable from the roots, less what every breaker shares and what else is named. */
  private static long retained(Object[] roots, Object... sharedToo) {
    GraphLayout shared = GraphLayout.parseInstance(Clock.SYSTEM, java.time.Clock.systemUTC(),
        BreakerState.values(),
        io.github.resilience4j.circuitbreaker.CircuitBreaker.State.values());
    for (Object more : sharedToo) {
      shared = shared.add(GraphLayout.parseInstance(more));
    }
    return GraphLayout.parseInstance(roots).subtract(shared).totalSize();
  }

  private static Object field(Object owner, String name) {
    try {
      Field f = owner.getClass().getDeclaredField(name);
      f.setAccessible(true);
      return f.get(owner);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no field " + name + " in " + owner.getClass(), e);
    }
  }
}
