package io.fusebox.breaker;

import io.fusebox.core.RetryBudget;
import io.fusebox.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * Shares a breaker's retry budget with its other instances in the cluster
 * ({@code retry.cluster_budget: true}): four times a second, this instance publishes its first attempts and
 * retries of the budget's window, and it tells its budget what the others publish. A bounded-staleness
 * sum: no lock, no coordinator, an instance gone quiet forgotten after {@link RetryBudget#STALE_NANOS}.
 */
final class SharedRetryBudget {

  /**
   * How often an instance tells the others its spend: what they have not heard yet they may spend
   * again, so the bound is overrun by about this long of the cluster's retries (with 1 s, three
   * instances let 1.17 times their first attempts through an outage, against 1.11 for one).
   */
  private static final long PUBLISH_EVERY_MILLIS = 250;

  private final Vertx vertx;
  private final String node;
  private final String address;
  /** The pipeline's budget of the moment (a reload may replace it); null while retries are off. */
  private final Supplier<RetryBudget> budget;
  private final MessageConsumer<JsonObject> consumer;
  private final long timer;

  SharedRetryBudget(Vertx vertx, String breaker, String node, Supplier<RetryBudget> budget) {
    this.vertx = vertx;
    this.node = node;
    this.address = Addresses.retryBudget(breaker);
    this.budget = budget;
    this.consumer = vertx.eventBus().consumer(address, m -> heard(m.body()));
    this.timer = vertx.setPeriodic(PUBLISH_EVERY_MILLIS, id -> publish());
  }

  Future<Void> ready() {
    return consumer.completion();
  }

  private void heard(JsonObject spend) {
    RetryBudget current = budget.get();
    String from = spend.getString("node");
    if (current != null && from != null && !node.equals(from)) {
      current.heard(from, spend.getLong("firsts", 0L), spend.getLong("retries", 0L), System.nanoTime());
    }
  }

  private void publish() {
    RetryBudget current = budget.get();
    if (current != null) {
      long now = System.nanoTime();
      vertx.eventBus().publish(address, new JsonObject().put("node", node).put("firsts", current.ownFirsts(now))
          .put("retries", current.ownRetries(now)));
    }
  }

  Future<Void> close() {
    vertx.cancelTimer(timer);
    return consumer.unregister();
  }
}
