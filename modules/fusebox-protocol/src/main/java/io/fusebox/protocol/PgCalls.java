package io.fusebox.protocol;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Builds PostgreSQL operations for one breaker: {@code {"sql","params"}} replies
 * {@code {"rows":[...],"row_count"}}; a transaction {@code {"tx":[...]}} replies {@code {"results":[...]}}.
 */
public final class PgCalls {

  private final FuseboxClient client;
  private final String breaker;

  PgCalls(FuseboxClient client, String breaker) {
    this.client = client;
    this.breaker = breaker;
  }

  /** @param params JSON values for {@code $1}, {@code $2}... */
  public Future<FuseboxReply> query(String sql, Object... params) {
    return client.call(breaker, statement(sql, params));
  }

  /** Runs the statements in one transaction: all commit, or none. */
  public Future<FuseboxReply> transaction(List<JsonObject> statements) {
    return client.call(breaker, new JsonObject().put("tx", new JsonArray(statements)));
  }

  /** One statement of a {@link #transaction(List)}. */
  public static JsonObject statement(String sql, Object... params) {
    return new JsonObject().put("sql", sql).put("params", new JsonArray(List.of(params)));
  }
}
