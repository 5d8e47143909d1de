package io.fusebox.protocol;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The body of a failure reply: compact JSON {@code {"error","breaker","state","detail","retry_after_ms"}}
 * carried as the message of a {@code RECIPIENT_FAILURE} whose failure code is {@link ErrorCode#code()}.
 *
 * @param retryAfterMillis set for {@code circuit_open} and {@code overloaded}; 0 otherwise
 */
public record FuseboxError(ErrorCode code, String breaker, String state, String detail, long retryAfterMillis) {

  public static FuseboxError of(ErrorCode code, String breaker, String state, String detail) {
    return new FuseboxError(code, breaker, state, detail, 0);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("error", code.error())
        .put("breaker", breaker)
        .put("state", state)
        .put("detail", detail);
    if (retryAfterMillis > 0 || code == ErrorCode.CIRCUIT_OPEN) {
      json.put("retry_after_ms", retryAfterMillis);
    }
    return json;
  }

  /** Fails the request with this error. */
  public void failOn(Message<?> message) {
    message.fail(code.code(), toJson().encode());
  }

  /**
   * Reads a failure message; a message that is not Fusebox JSON (from a user's own consumer, say)
   * becomes an error with that text as its detail.
   */
  public static FuseboxError parse(int failureCode, String message) {
    try {
      JsonObject json = new JsonObject(message == null ? "" : message);
      ErrorCode code = ErrorCode.fromError(json.getString("error", ""));
      return new FuseboxError(code, json.getString("breaker"), json.getString("state"),
          json.getString("detail"), json.getLong("retry_after_ms", 0L));
    } catch (DecodeException | ClassCastException e) {
      ErrorCode code = failureCode == 400 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL;
      return new FuseboxError(code, null, null, message, 0);
    }
  }
}
