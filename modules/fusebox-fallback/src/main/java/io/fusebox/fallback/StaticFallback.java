package io.fusebox.fallback;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** Answers with a value from the configuration. */
final class StaticFallback extends Fallback {

  private final Future<FallbackReply> answer;

  StaticFallback(String type, Set<Trigger> on, JsonObject value) {
    super(type, on);
    this.answer = Future.succeededFuture(reply(value));
  }

  @Override
  public Future<FallbackReply> apply(FallbackRequest request) {
    return answer;
  }
}
