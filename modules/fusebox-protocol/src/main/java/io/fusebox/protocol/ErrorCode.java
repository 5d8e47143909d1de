package io.fusebox.protocol;

/**
 * The failures a breaker replies with: the event-bus failure code and the {@code error} word of
 * the JSON message. Two errors can share a code (429, 503); the word tells them apart.
 */
public enum ErrorCode {
  /** The operation is malformed for this adapter. Not counted. */
  BAD_REQUEST(400, "bad_request"),
  /** A reloaded configuration file has problems; the node changed nothing. */
  INVALID_CONFIG(400, "invalid_config"),
  /** A reload was asked for while another was under way. */
  RELOAD_IN_PROGRESS(409, "reload_in_progress"),
  /** No breaker of that name is known to the node (admin actions). */
  UNKNOWN_BREAKER(404, "unknown_breaker"),
  /** The dependency answered with an error that is the caller's fault (bad SQL...). Not counted. */
  DEPENDENCY_REJECTED(422, "dependency_rejected"),
  /** All half-open probe permits are taken. */
  HALF_OPEN_FULL(429, "half_open_full"),
  /** The in-flight limit and its wait queue are full. */
  BULKHEAD_FULL(429, "bulkhead_full"),
  /**
   * The adaptive concurrency limit and its short queue are full, or a call of higher priority took
   * this one's place; {@code retry_after_ms} says when the dependency should have room.
   */
  OVERLOADED(429, "overloaded"),
  /** The dependency failed. Counted as a failure. */
  DEPENDENCY_FAILURE(502, "dependency_failure"),
  /** Rejected while open or forced open; {@code retry_after_ms} says for how long. */
  CIRCUIT_OPEN(503, "circuit_open"),
  /**
   * Refused by the throttling state: the dependency fails a share of calls past the throttling
   * threshold, and this call was among those refused to spare it; {@code retry_after_ms} is set.
   */
  THROTTLED(503, "throttled"),
  /** A write refused while the breaker's degraded fallback serves reads only. */
  READ_ONLY(503, "read_only"),
  /** The breaker is being undeployed (node shutting down); another instance may answer. */
  SHUTTING_DOWN(503, "shutting_down"),
  /**
   * The node that held the call left the cluster before it answered; the call may or may not have
   * reached the dependency. Retryable: new calls go to the breaker's live instances.
   */
  NODE_LEFT(503, "node_left"),
  /** The call exceeded its deadline. Counted as a failure. */
  TIMEOUT(504, "timeout"),
  /** A bug in Fusebox, logged with its stack trace. */
  INTERNAL(500, "internal");

  private final int code;
  private final String error;

  ErrorCode(int code, String error) {
    this.code = code;
    this.error = error;
  }

  public int code() {
    return code;
  }

  public String error() {
    return error;
  }

  /** The error with this word, or {@link #INTERNAL} for one this version does not know. */
  public static ErrorCode fromError(String error) {
    for (ErrorCode c : values()) {
      if (c.error.equals(error)) {
        return c;
      }
    }
    return INTERNAL;
  }
}
