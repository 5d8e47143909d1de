package io.fusebox.adapter;

import io.vertx.core.json.JsonObject;

/**
 * What an adapter made of one call: how it counts and what the caller gets.
 *
 * @param outcome how the breaker counts it
 * @param reply the reply body, when the caller gets an answer (a success, or an ignored answer
 *     such as an HTTP 404 that the caller should see as is); null when the caller gets an error
 * @param detail for an error reply: what went wrong (an HTTP status, a SQLSTATE), for people
 */
public record CallResult(Outcome outcome, JsonObject reply, String detail) {

  public static CallResult success(JsonObject reply) {
    return new CallResult(Outcome.SUCCESS, reply, null);
  }

  /** Not counted, and answered as a normal reply. */
  public static CallResult ignoredAnswer(JsonObject reply) {
    return new CallResult(Outcome.IGNORED, reply, null);
  }

  /**
   * The dependency refused the call as the caller's own mistake (bad SQL, a wrong Redis type...): not
   * counted, and answered with 422 {@code dependency_rejected}. ("Rejected" alone means the breaker
   * refusing a call.)
   */
  public static CallResult callerError(String detail) {
    return new CallResult(Outcome.IGNORED, null, detail);
  }

  /** Counted as a failure, and answered with 502 {@code dependency_failure}. */
  public static CallResult failure(String detail) {
    return new CallResult(Outcome.FAILURE, null, detail);
  }
}
