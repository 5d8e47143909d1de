package io.fusebox.benchmarks;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.Priority;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.Headers;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.CapacityServer;
import io.fusebox.testkit.SvgChart;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The overload benchmark: a {@link CapacityServer} of {@value #SLOTS} slots and
 * {@value #SERVICE_MILLIS} ms a request (capacity 640 a second) behind a real breaker verticle,
 * offered an evenly paced, open-loop load of 0.5×, 1×, 2×, 5× and 12× its capacity, one step after
 * the other, with three ways to bound the breaker's work, each against a fresh server in the same
 * run:
 * <ul>
 *   <li>{@code adaptive}: {@code overload.concurrency.type: adaptive} (initial limit 20);</li>
 *   <li>{@code static}: a bulkhead of 100 in flight and 100 waiting, sized for a peak;</li>
 *   <li>{@code none}: no bound at all.</li>
 * </ul>
 * Failure detection is off in all three, so that only the bound differs; calls have 1 s. Each
 * step is judged from 2 s after it starts: goodput (successful replies a second, as a share of
 * capacity), p50 and p99 of the successful calls (sent to answered, the caller's view), calls shed
 * and timed out a second, the mean limit. Then, with the adaptive limit: a steady 2× load for the
 * steady length, the limit sampled every 200 ms (drift), and a 12× spike of sheddable calls over
 * critical calls at 0.3× capacity (priorities).
 *
 * <pre>java -cp modules/fusebox-benchmarks/target/benchmarks.jar io.fusebox.benchmarks.Overload [STEP_SECONDS] [STEADY_SECONDS] [PLOT.svg]</pre>
 */
public final class Overload {

  static final int SLOTS = CapacityServer.BENCHMARK_SLOTS;
  static final int SERVICE_MILLIS = CapacityServer.BENCHMARK_SERVICE_MILLIS;
  static final double[] STEPS = {0.5, 1, 2, 5, 12};
  private static final String BREAKER = "simulated";
  static final JsonObject GET = new JsonObject().put("method", "GET").put("path", "/");
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(1);
  /** A step's first seconds, in which the bound settles, are not judged. */
  private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);

  private Overload() {
  }

  /** How a breaker bounds its work in one leg of the run. */
  public enum Bound {
    ADAPTIVE, STATIC, NONE;

    BreakerConfig config() {
      var b = BreakerHarness.detectorsOff().callTimeout(CALL_TIMEOUT);
      return switch (this) {
        case ADAPTIVE -> b.adaptiveConcurrency(true).maxLimit(512).build();
        case STATIC -> b.maxConcurrentCalls(100).maxWaitQueue(100).build();
        case NONE -> b.maxConcurrentCalls(1_000_000).maxWaitQueue(0).build();
      };
    }

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One step's figures, judged after it settled.
   *
   * @param load offered load as a multiple of capacity
   * @param goodput successful replies a second as a share of capacity
   * @param limit the mean concurrency limit the snapshots showed (adaptive only, else 0)
   */
  public record Step(Bound bound, double load, double goodput, double p50Millis, double p99Millis, double shedPerSecond,
      double timeoutsPerSecond, double limit) {
  }

  /**
   * @param steps every bound's steps
   * @param limits the adaptive limit sampled through the steady run
   * @param criticalSuccess critical calls answered with success, as a share of those sent, under the spike
   * @param sheddableSuccess the same for the sheddable calls
   */
  public record Figures(List<Step> steps, double capacity, int[] limits, double criticalSuccess,
      double sheddableSuccess, Map<Bound, double[]> goodputPerSecond, double[] adaptiveLimitPerSecond) {
  }

  public static void main(String[] args) throws Exception {
    Duration step = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 20);
    Duration steady = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 600);
    Figures f = run(step, steady);
    System.out.print(table(f));
    if (args.length > 2) {
      Path plot = Path.of(args[2]);
      Files.writeString(plot, plot(f, step));
      System.out.println("plot: " + plot);
    }
    System.exit(0);
  }

  /** Successful replies a second under each bound through the steps, with the adaptive limit below. */
  public static String plot(Figures f, Duration step) {
    String steps = Arrays.stream(STEPS).mapToObj(x -> String.format(Locale.ROOT, "%.1fx", x))
        .collect(Collectors.joining(", "));
    double[] capacityLine = new double[f.goodputPerSecond().get(Bound.ADAPTIVE).length];
    Arrays.fill(capacityLine, f.capacity());
    String goodput = SvgChart.timeSeries("Successful calls a second, offered " + steps + " of capacity, "
            + step.toSeconds() + " s each", "calls/s",
        List.of(new SvgChart.Series("adaptive limit", "#2e7d32", f.goodputPerSecond().get(Bound.ADAPTIVE)),
            new SvgChart.Series("static bulkhead", "#1565c0", f.goodputPerSecond().get(Bound.STATIC)),
            new SvgChart.Series("no bound", "#c62828", f.goodputPerSecond().get(Bound.NONE)),
            new SvgChart.Series("capacity", "#9e9e9e", capacityLine)), List.of());
    double[] slots = new double[f.adaptiveLimitPerSecond().length];
    Arrays.fill(slots, SLOTS);
    String limit = SvgChart.timeSeries("The adaptive limit through the same steps, against the dependency's slots",
        "calls in flight", List.of(new SvgChart.Series("limit", "#2e7d32", f.adaptiveLimitPerSecond()),
            new SvgChart.Series("slots", "#9e9e9e", slots)), List.of());
    // two charts, one above the other, in one file
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"640\">\n"
        + goodput.replaceFirst("<svg ", "<svg y=\"0\" ") + limit.replaceFirst("<svg ", "<svg y=\"320\" ") + "</svg>\n";
  }

  public static Figures run(Duration step, Duration steady) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<Step> steps = new ArrayList<>();
      Map<Bound, double[]> goodput = new EnumMap<>(Bound.class);
      double[] adaptiveLimit = null;
      for (Bound bound : Bound.values()) {
        Leg leg = new Leg(vertx, bound);
        steps.addAll(leg.steps(step));
        goodput.put(bound, leg.successesPerSecond);
        if (bound == Bound.ADAPTIVE) {
          adaptiveLimit = leg.limitPerSecond;
        }
      }
      Leg drift = new Leg(vertx, Bound.ADAPTIVE);
      int[] limits = drift.steady(steady);
      Leg spike = new Leg(vertx, Bound.ADAPTIVE);
      double[] success = spike.prioritySpike(step.multipliedBy(2));
      return new Figures(steps, capacity(), limits, success[0], success[1], goodput, adaptiveLimit);
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  static double capacity() {
    return SLOTS * 1000.0 / SERVICE_MILLIS;
  }

  /** The tables the README shows. */
  public static String table(Figures f) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "dependency: %d slots x %d ms = %.0f calls/s; goodput as a share of that; latency of successful calls%n%n",
        SLOTS, SERVICE_MILLIS, f.capacity()));
    out.append("| bound | load | goodput | p50 ms | p99 ms | shed/s | timeouts/s | limit |\n");
    out.append("|---|---|---|---|---|---|---|---|\n");
    for (Step s : f.steps()) {
      out.append(String.format(Locale.ROOT, "| %s | %.1fx | %.1f%% | %.1f | %.1f | %.0f | %.0f | %s |%n",
          s.bound().label(), s.load(), s.goodput() * 100, s.p50Millis(), s.p99Millis(), s.shedPerSecond(),
          s.timeoutsPerSecond(), s.limit() > 0 ? String.format(Locale.ROOT, "%.1f", s.limit()) : "-"));
    }
    int[] l = f.limits().clone();
    Arrays.sort(l);
    double mean = Arrays.stream(l).average().orElse(0);
    long within = Arrays.stream(l).filter(x -> Math.abs(x - SLOTS) <= 0.15 * SLOTS).count();
    out.append(String.format(Locale.ROOT, "%nsteady 2x load, %d samples of the limit (the dependency serves %d at once):"
        + " min %d, p1 %d, mean %.1f, p99 %d, max %d; within 15%% of %d: %.1f%% of samples%n", l.length, SLOTS,
        l.length == 0 ? 0 : l[0], at(l, 0.01), mean, at(l, 0.99), l.length == 0 ? 0 : l[l.length - 1], SLOTS,
        l.length == 0 ? 0 : 100.0 * within / l.length));
    out.append(String.format(Locale.ROOT, "12x sheddable spike over 0.3x critical: critical success %.2f%%,"
        + " sheddable success %.2f%%%n", f.criticalSuccess() * 100, f.sheddableSuccess() * 100));
    return out.toString();
  }

  private static int at(int[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))];
  }

  /** One breaker in front of its own fresh dependency, and the load sent to it. */
  private static final class Leg {
    private final Vertx vertx;
    private final Bound bound;
    private final CapacityServer dependency;
    private final Context loop;
    private final List<double[]> limits = new CopyOnWriteArrayList<>();
    private final MessageConsumer<JsonObject> snapshots;
    private final String deployment;
    /** Through the steps: successful calls by the second they were sent in, and the mean limit of each second. */
    double[] successesPerSecond;
    double[] limitPerSecond;

    Leg(Vertx vertx, Bound bound) throws Exception {
      this.vertx = vertx;
      this.bound = bound;
      this.dependency = CapacityServer.start(vertx, SLOTS, SERVICE_MILLIS).await(10, TimeUnit.SECONDS);
      this.deployment = Drivers.deployBreaker(vertx, BREAKER, bound.config(), dependency, 2048, "overload",
          Duration.ofMillis(200), List.of());
      this.snapshots = vertx.eventBus().consumer(Addresses.SNAPSHOTS, m -> {
        JsonObject c = m.body().getJsonObject("concurrency");
        if (c != null) {
          limits.add(new double[] {System.nanoTime(), c.getInteger("limit")});
        }
      });
      this.loop = vertx.getOrCreateContext();
    }

    /** The steps back to back, with no pause between them: each one's calls are tallied by when they were sent. */
    List<Step> steps(Duration length) throws Exception {
      long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
      Tally[] tallies = new Tally[STEPS.length];
      CompletableFuture<Void> done = new CompletableFuture<>();
      loop.runOnContext(v -> {
        for (int i = 0; i < STEPS.length; i++) {
          tallies[i] = new Tally(start + i * length.toNanos(), length);
          pace(STEPS[i] * capacity(), Priority.NORMAL, tallies[i]);
        }
        whenAnswered(length.multipliedBy(STEPS.length), done);
      });
      done.get(length.toSeconds() * STEPS.length + 60, TimeUnit.SECONDS);
      List<Step> out = new ArrayList<>();
      int seconds = (int) length.toSeconds();
      successesPerSecond = new double[STEPS.length * seconds];
      limitPerSecond = new double[STEPS.length * seconds];
      for (int i = 0; i < STEPS.length; i++) {
        out.add(tallies[i].step(bound, STEPS[i], meanLimit(tallies[i].judgedFrom, tallies[i].end)));
        for (int s = 0; s < seconds; s++) {
          successesPerSecond[i * seconds + s] = tallies[i].successesBySecond[s];
          long second = tallies[i].start + s * 1_000_000_000L;
          limitPerSecond[i * seconds + s] = meanLimit(second, second + 1_000_000_000L);
        }
      }
      close();
      return out;
    }

    /** Completes once the last call sent in {@code length} from now had its deadline and its reply. */
    private void whenAnswered(Duration length, CompletableFuture<Void> done) {
      vertx.setTimer(length.toMillis() + CALL_TIMEOUT.toMillis() + 1000, id -> done.complete(null));
    }

    int[] steady(Duration length) throws Exception {
      Tally tally = send(2 * capacity(), length);
      int[] sampled = limits.stream().filter(s -> s[0] >= tally.judgedFrom && s[0] <= tally.end)
          .mapToInt(s -> (int) s[1]).toArray();
      close();
      return sampled;
    }

    /** Critical calls at 0.3x capacity and sheddable ones at 12x, together: each one's success share. */
    double[] prioritySpike(Duration length) throws Exception {
      long start = System.nanoTime();
      Tally critical = new Tally(start, length);
      Tally sheddable = new Tally(start, length);
      CompletableFuture<Void> done = new CompletableFuture<>();
      loop.runOnContext(v -> {
        pace(0.3 * capacity(), Priority.CRITICAL, critical);
        pace(12 * capacity(), Priority.SHEDDABLE, sheddable);
        whenAnswered(length, done);
      });
      done.get(length.toSeconds() + 60, TimeUnit.SECONDS);
      close();
      return new double[] {critical.successShare(), sheddable.successShare()};
    }

    private Tally send(double perSecond, Duration length) throws Exception {
      Tally tally = new Tally(System.nanoTime(), length);
      CompletableFuture<Void> done = new CompletableFuture<>();
      loop.runOnContext(v -> {
        pace(perSecond, Priority.NORMAL, tally);
        whenAnswered(length, done);
      });
      done.get(length.toSeconds() + 60, TimeUnit.SECONDS);
      return tally;
    }

    private double meanLimit(long from, long to) {
      return limits.stream().filter(s -> s[0] >= from && s[0] <= to).mapToDouble(s -> s[1]).average().orElse(0);
    }

    private void close() throws Exception {
      snapshots.unregister().await(10, TimeUnit.SECONDS);
      vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
      dependency.close().await(10, TimeUnit.SECONDS);
    }

    /** Evenly paced GETs at a rate, of a priority, from the tally's start to its end, counted in it. */
    private void pace(double perSecond, Priority priority, Tally tally) {
      DeliveryOptions options = new DeliveryOptions().setSendTimeout(CALL_TIMEOUT.toMillis() + 500)
          .addHeader(Headers.PRIORITY, priority.wireName());
      new PacedCalls(vertx, Addresses.call(BREAKER), GET, options, perSecond, tally.start, tally.end, tally::count).run();
    }
  }

  /** What the calls sent in one step came to; written on the leg's loop only, read once it is done. */
  private static final class Tally {
    final long start;
    final long judgedFrom;
    final long end;
    private long sent;
    private long succeeded;
    private long judgedSucceeded;
    private long shed;
    private long timeouts;
    private long[] latencies = new long[1024];
    private int latencyCount;
    /** Successful calls by the second of the step they were sent in. */
    final long[] successesBySecond;

    Tally(long start, Duration length) {
      this.start = start;
      this.judgedFrom = start + SETTLE_NANOS;
      this.end = start + length.toNanos();
      this.successesBySecond = new long[(int) Math.max(1, length.toSeconds())];
    }

    void count(long sentAt, long answeredAt, Message<Object> reply, Throwable failure) {
      sent++;
      boolean judged = sentAt >= judgedFrom;
      if (failure == null) {
        succeeded++;
        int second = (int) ((sentAt - start) / 1_000_000_000L);
        if (second >= 0 && second < successesBySecond.length) {
          successesBySecond[second]++;
        }
        if (judged) {
          judgedSucceeded++;
          if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencyCount * 2);
          }
          latencies[latencyCount++] = answeredAt - sentAt;
        }
      } else if (judged && failure instanceof ReplyException re) {
        ErrorCode code = FuseboxError.parse(re.failureCode(), re.getMessage()).code();
        if (code == ErrorCode.OVERLOADED || code == ErrorCode.BULKHEAD_FULL) {
          shed++;
        } else if (code == ErrorCode.TIMEOUT) {
          timeouts++;
        }
      }
    }

    double successShare() {
      return sent == 0 ? 0 : (double) succeeded / sent;
    }

    Step step(Bound bound, double load, double limit) {
      double seconds = (end - judgedFrom) / 1e9;
      long[] sorted = Arrays.copyOf(latencies, latencyCount);
      Arrays.sort(sorted);
      return new Step(bound, load, judgedSucceeded / seconds / capacity(), quantile(sorted, 0.5),
          quantile(sorted, 0.99), shed / seconds, timeouts / seconds, limit);
    }

    private static double quantile(long[] sorted, double q) {
      return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }
  }
}
