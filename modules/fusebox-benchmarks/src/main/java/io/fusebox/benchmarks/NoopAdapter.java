package io.fusebox.benchmarks;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A dependency that answers at once from memory, so that only the breaker's own path is measured. */
final class NoopAdapter implements DependencyAdapter {

  static final JsonObject REPLY = new JsonObject().put("status", 200);
  private static final Future<CallResult> ANSWER = Future.succeededFuture(CallResult.success(REPLY));

  @Override
  public String invalid(JsonObject operation) {
    return null;
  }

  @Override
  public Future<CallResult> call(JsonObject operation, long timeoutMillis, String traceparent) {
    return ANSWER;
  }

  @Override
  public Future<Void> probe(long timeoutMillis) {
    return Future.succeededFuture();
  }
}
