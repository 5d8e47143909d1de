package io.fusebox.benchmarks;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** The baseline of the event-bus benchmarks: a consumer that replies at once, as a breaker's dependency would. */
final class PlainConsumerVerticle extends VerticleBase {

  private final String address;
  private final boolean readsRequest;

  /**
   * @param readsRequest whether it reads the request before it replies, as any consumer that acts
   *     on it does: a request from another node is decoded only when read
   */
  PlainConsumerVerticle(String address, boolean readsRequest) {
    this.address = address;
    this.readsRequest = readsRequest;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(address, m -> {
      if (readsRequest && m.body().isEmpty()) {
        m.fail(400, "an empty request");
        return;
      }
      m.reply(NoopAdapter.REPLY);
    }).completion();
  }
}
