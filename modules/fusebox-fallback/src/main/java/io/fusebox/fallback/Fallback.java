package io.fusebox.fallback;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * One entry of a fallback chain. It never calls the protected dependency and never blocks; it
 * fails its future when it has no answer, so that the chain tries the next entry.
 */
public abstract class Fallback {

  private final String type;
  private final Set<Trigger> on;

  protected Fallback(String type, Set<Trigger> on) {
    this.type = type;
    this.on = on;
  }

  public String type() {
    return type;
  }

  public boolean answers(Trigger trigger) {
    return on.contains(trigger);
  }

  public abstract Future<FallbackReply> apply(FallbackRequest request);

  protected FallbackReply reply(JsonObject body) {
    return new FallbackReply(type, body, -1);
  }
}
