package io.fusebox.benchmarks;

import io.fusebox.core.BreakerConfig;
import io.fusebox.protocol.Addresses;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.CapacityServer;
import io.fusebox.testkit.Recovery;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The retry storm: a {@link CapacityServer} of {@value Overload#SLOTS} slots behind breakers that
 * retry every failed read (3 attempts, 50 ms backoff), offered half its capacity; it goes down (every
 * call answered 503 at once) for the outage, then comes back. Three legs, each against a fresh
 * server: no budget (a ratio of 10, which never binds), the default budget (a tenth of the first
 * attempts plus one a second), and three instances of the breaker sharing that budget
 * ({@code cluster_budget}; in one process, sharing it over the event bus as they would across
 * nodes; the reliability module's {@code ClusterRetryStorm} runs them as three clustered JVMs). Failure detection is off, so that an open breaker does not hide the retries. Figures:
 * requests that reached the dependency during the outage per first attempt sent in it, and the time
 * from the recovery until the successes of each 250 ms are back to 95% of what was sent.
 *
 * <pre>java -cp modules/fusebox-benchmarks/target/benchmarks.jar io.fusebox.benchmarks.RetryStorm [OUTAGE_SECONDS]</pre>
 */
public final class RetryStorm {

  private static final String BREAKER = "stormy";
  private static final Duration HEALTHY_BEFORE = Duration.ofSeconds(3);
  private static final Duration RECOVERY = Duration.ofSeconds(8);

  private RetryStorm() {
  }

  /** How the breakers of one leg budget their retries. */
  public enum Budget {
    NONE(1, 10.0), BUDGET(1, BreakerConfig.DEFAULT_RETRY_RATIO), CLUSTER_BUDGET(3, BreakerConfig.DEFAULT_RETRY_RATIO);

    final int instances;
    final double ratio;

    Budget(int instances, double ratio) {
      this.instances = instances;
      this.ratio = ratio;
    }

    BreakerConfig config() {
      return BreakerHarness.detectorsOff().callTimeout(Duration.ofSeconds(1)).maxAttempts(3)
          .retryBackoff(Duration.ofMillis(50)).retryBudgetRatio(ratio).retryClusterBudget(this == CLUSTER_BUDGET).build();
    }

    String label() {
      return switch (this) {
        case NONE -> "no budget";
        case BUDGET -> "budget (0.1 + 1/s)";
        case CLUSTER_BUDGET -> "3 instances, cluster_budget";
      };
    }
  }

  /**
   * @param amplification requests reaching the dependency during the outage per first attempt sent in it
   * @param recoveryMillis from the dependency's recovery until successes are back to 95% of what is sent; -1 if never
   */
  public record Leg(Budget budget, long firstAttempts, long dependencyRequests, double amplification,
      long recoveryMillis) {
  }

  public static void main(String[] args) throws Exception {
    Duration outage = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 30);
    System.out.print(table(run(outage)));
    System.exit(0);
  }

  public static List<Leg> run(Duration outage) throws Exception {
    return Drivers.eachLeg(Budget.values(), (vertx, budget) -> leg(vertx, budget, outage));
  }

  public static String table(List<Leg> legs) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "retry storm: %d slots x %d ms, offered half its capacity, 3 attempts a call, the dependency down%n%n",
        Overload.SLOTS, Overload.SERVICE_MILLIS));
    out.append("| retries | first attempts in the outage | requests reaching the dependency | per first attempt | goodput back to 95% after |\n");
    out.append("|---|---|---|---|---|\n");
    for (Leg l : legs) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2fx | %s |%n", l.budget().label(), l.firstAttempts(),
          l.dependencyRequests(), l.amplification(), l.recoveryMillis() < 0 ? "never" : l.recoveryMillis() + " ms"));
    }
    return out.toString();
  }

  private static Leg leg(Vertx vertx, Budget budget, Duration outage) throws Exception {
    CapacityServer dependency = CapacityServer.start(vertx, Overload.SLOTS, Overload.SERVICE_MILLIS)
        .await(10, TimeUnit.SECONDS);
    List<String> deployments = new ArrayList<>();
    for (int i = 1; i <= budget.instances; i++) {
      deployments.add(Drivers.deployBreaker(vertx, BREAKER, budget.config(), dependency, 512, "node-" + i,
          Duration.ofSeconds(1), List.of()));
    }
    long start = System.nanoTime();
    long down = start + HEALTHY_BEFORE.toNanos();
    long up = down + outage.toNanos();
    long end = up + RECOVERY.toNanos();
    double perSecond = Overload.capacity() / 2;
    Answers answers = new Answers(down, up, end);
    Context loop = vertx.getOrCreateContext();
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.runOnContext(v -> {
      new PacedCalls(vertx, Addresses.call(BREAKER), Overload.GET, new DeliveryOptions().setSendTimeout(2_000),
          perSecond, start, end, answers::answered).run();
      vertx.setTimer((end - start) / 1_000_000 + 2_000, id -> done.complete(null));
    });
    long[] arrivedAtDown = new long[1];
    long[] arrivedAtUp = new long[1];
    BreakerHarness.sleepUntil(down);
    arrivedAtDown[0] = dependency.arrived();
    dependency.failing(1);
    BreakerHarness.sleepUntil(up);
    dependency.failing(0);
    arrivedAtUp[0] = dependency.arrived();
    done.get(outage.toSeconds() + 60, TimeUnit.SECONDS);
    for (String deployment : deployments) {
      vertx.undeploy(deployment).await(30, TimeUnit.SECONDS);
    }
    dependency.close().await(10, TimeUnit.SECONDS);
    long requests = arrivedAtUp[0] - arrivedAtDown[0];
    return new Leg(budget, answers.firstsInOutage, requests, (double) requests / answers.firstsInOutage,
        answers.recovery.millis(perSecond));
  }

  /** Calls sent during the outage, and successes after it; on the sender's loop only. */
  private static final class Answers {
    private final long down;
    private final long up;
    final Recovery recovery;
    long firstsInOutage;

    Answers(long down, long up, long end) {
      this.down = down;
      this.up = up;
      this.recovery = new Recovery(up, Duration.ofNanos(end - up));
    }

    void answered(long sentAt, long answeredAt, Message<Object> reply, Throwable failure) {
      if (sentAt >= down && sentAt < up) {
        firstsInOutage++;
      }
      if (failure == null) {
        recovery.success(answeredAt);
      }
    }
  }
}
