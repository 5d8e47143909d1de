package io.fusebox.benchmarks;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;

/** The baseline of the event-bus benchmarks: a consumer that replies at once, as a breaker's dependency would. */
final class PlainConsumerVerticle extends VerticleBase {

  private final String address;

  PlainConsumerVerticle(String address) {
    this.address = address;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(address, m -> m.reply(NoopAdapter.REPLY)).completion();
  }
}
