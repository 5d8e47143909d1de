package io.fusebox.protocol;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Builds Redis operations {@code {"command","args"}} for one breaker; replies {@code {"result"}}. */
public final class RedisCalls {

  private final FuseboxClient client;
  private final String breaker;

  RedisCalls(FuseboxClient client, String breaker) {
    this.client = client;
    this.breaker = breaker;
  }

  public Future<FuseboxReply> send(String command, String... args) {
    return client.call(breaker, new JsonObject().put("command", command).put("args", new JsonArray(List.of((Object[]) args))));
  }
}
