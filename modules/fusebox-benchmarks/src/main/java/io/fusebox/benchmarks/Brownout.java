package io.fusebox.benchmarks;

import io.fusebox.core.BreakerConfig;
import io.fusebox.core.Presets;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.Headers;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.CapacityServer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The brownout: a {@link CapacityServer} of {@value Overload#SLOTS} slots, offered half its
 * capacity, fails half of its calls (503 at once) for the brownout's length. A static fallback
 * answers the calls the breaker refuses (open or throttled), not those the dependency failed.
 * Legs, each against a fresh server: closed/open only (the default preset, tripping at five failures
 * in a row); the throttling state from 20% failed (the default) and from 5%, with the failure-rate
 * trip moved to 90% and no consecutive-failures rule, so that only a near-total outage opens. Figures over the brownout:
 * availability (success or fallback) and real successes as shares of the calls sent, timeouts,
 * calls that reached the dependency per call sent, and the transitions.
 *
 * <pre>java -cp modules/fusebox-benchmarks/target/benchmarks.jar io.fusebox.benchmarks.Brownout [BROWNOUT_SECONDS]</pre>
 */
public final class Brownout {

  private static final String BREAKER = "browned";
  private static final Duration HEALTHY_BEFORE = Duration.ofSeconds(3);
  private static final List<Map<String, Object>> FALLBACK =
      List.of(Map.of("type", "static", "value", Map.of("stale", true), "on", List.of("open", "throttled")));

  private Brownout() {
  }

  /** How the breaker of one leg meets the brownout. */
  public enum Guard {
    CLOSED_OPEN(0), THROTTLING(BreakerConfig.DEFAULT_THROTTLING_THRESHOLD), THROTTLING_EARLY(0.05);

    final double threshold;

    Guard(double threshold) {
      this.threshold = threshold;
    }

    BreakerConfig config() {
      var b = Presets.get(Presets.DEFAULT).toBuilder().callTimeout(Duration.ofSeconds(1));
      // five in a row, as most breakers count them: the default's noise-aware run lengthens with the
      // brownout's own failures and 50% in its 60 s window is a coin toss, so whether the default trips
      // at all would be chance
      return this == CLOSED_OPEN ? b.consecutiveFailuresNoiseAware(false).build()
          // five failures in a row at the brownout's first calls look like an outage's beginning
          : b.consecutiveFailuresEnabled(false).failureRate(0.9).throttling(true).throttlingThreshold(threshold)
              .build();
    }

    String label() {
      return this == CLOSED_OPEN ? "closed/open only (trips at 5 in a row)"
          : String.format(Locale.ROOT, "throttling from %.0f%% (trips at 90%% failed)", threshold * 100);
    }
  }

  /**
   * @param availability calls answered by the dependency or a fallback, per call sent
   * @param success calls the dependency answered, per call sent
   * @param timeouts calls that timed out, per call sent
   * @param load calls that reached the dependency, per call sent
   */
  public record Leg(Guard guard, long sent, double availability, double success, double timeouts, double load,
      int transitions) {
  }

  public static void main(String[] args) throws Exception {
    Duration length = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 60);
    System.out.print(table(run(length)));
    System.exit(0);
  }

  public static List<Leg> run(Duration brownout) throws Exception {
    return Drivers.eachLeg(Guard.values(), (vertx, guard) -> leg(vertx, guard, brownout));
  }

  public static String table(List<Leg> legs) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "brownout: %d slots x %d ms, offered half its capacity, half of its calls failing; a fallback answers refused calls%n%n",
        Overload.SLOTS, Overload.SERVICE_MILLIS));
    out.append("| breaker | calls sent | availability | served by the dependency | timeouts | load on the dependency | transitions |\n");
    out.append("|---|---|---|---|---|---|---|\n");
    for (Leg l : legs) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.1f%% | %.2f%% | %.2fx | %d |%n", l.guard().label(),
          l.sent(), l.availability() * 100, l.success() * 100, l.timeouts() * 100, l.load(), l.transitions()));
    }
    return out.toString();
  }

  private static Leg leg(Vertx vertx, Guard guard, Duration brownout) throws Exception {
    CapacityServer dependency = CapacityServer.start(vertx, Overload.SLOTS, Overload.SERVICE_MILLIS)
        .await(10, TimeUnit.SECONDS);
    String deployment = Drivers.deployBreaker(vertx, BREAKER, guard.config(), dependency, 512, "brownout",
        Duration.ofSeconds(1), FALLBACK);
    AtomicInteger transitions = new AtomicInteger();
    MessageConsumer<JsonObject> events = vertx.eventBus().consumer(Addresses.EVENTS, m -> {
      if ("transition".equals(m.body().getString("type")) && BREAKER.equals(m.body().getString("breaker"))) {
        transitions.incrementAndGet();
      }
    });
    long start = System.nanoTime();
    long from = start + HEALTHY_BEFORE.toNanos();
    long to = from + brownout.toNanos();
    Answers answers = new Answers(from, to);
    Context loop = vertx.getOrCreateContext();
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.runOnContext(v -> {
      new PacedCalls(vertx, Addresses.call(BREAKER), Overload.GET, new DeliveryOptions().setSendTimeout(2_000),
          Overload.capacity() / 2, start, to, answers::count).run();
      vertx.setTimer((to - start) / 1_000_000 + 2_000, id -> done.complete(null));
    });
    BreakerHarness.sleepUntil(from);
    long arrivedBefore = dependency.arrived();
    int transitionsBefore = transitions.get();
    dependency.failing(0.5);
    BreakerHarness.sleepUntil(to);
    long arrived = dependency.arrived() - arrivedBefore;
    int inBrownout = transitions.get() - transitionsBefore;
    dependency.failing(0);
    done.get(brownout.toSeconds() + 60, TimeUnit.SECONDS);
    events.unregister().await(10, TimeUnit.SECONDS);
    vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
    dependency.close().await(10, TimeUnit.SECONDS);
    double sent = answers.sent;
    return new Leg(guard, answers.sent, (answers.succeeded + answers.fallbacks) / sent, answers.succeeded / sent,
        answers.timeouts / sent, arrived / sent, inBrownout);
  }

  /** The calls sent during the brownout and how they ended; on the sender's loop only. */
  private static final class Answers {
    private final long from;
    private final long to;
    long sent;
    long succeeded;
    long fallbacks;
    long timeouts;

    Answers(long from, long to) {
      this.from = from;
      this.to = to;
    }

    void count(long sentAt, long answeredAt, Message<Object> reply, Throwable failure) {
      if (sentAt < from || sentAt >= to) {
        return;
      }
      sent++;
      if (reply != null) {
        if (Headers.OUTCOME_FALLBACK.equals(reply.headers().get(Headers.OUTCOME))) {
          fallbacks++;
        } else {
          succeeded++;
        }
      } else if (failure instanceof ReplyException re
          && FuseboxError.parse(re.failureCode(), re.getMessage()).code() == ErrorCode.TIMEOUT) {
        timeouts++;
      }
    }
  }
}
