package io.fusebox.core;

/**
 * The states of a breaker. {@code FORCED_OPEN} and {@code DISABLED} are only entered and left on an
 * administrator's request; the detectors never move a breaker out of them.
 */
public enum BreakerState {
  /** Admits every call and watches the outcomes. */
  CLOSED("closed", 0),
  /** Rejects every call until the open timeout elapses. */
  OPEN("open", 1),
  /** Admits a few probe calls to decide between closing and re-opening. */
  HALF_OPEN("half_open", 2),
  /** Admits every call and keeps recording, but never trips. */
  DISABLED("disabled", 3),
  /** Rejects every call until an administrator closes it. */
  FORCED_OPEN("forced_open", 4);

  private final String wireName;
  private final int code;

  BreakerState(String wireName, int code) {
    this.wireName = wireName;
    this.code = code;
  }

  /** The lower-case name used in JSON, logs and metric labels, e.g. {@code half_open}. */
  public String wireName() {
    return wireName;
  }

  /** The value of the {@code circuit_breaker_state} gauge (the numbering Resilience4j uses). */
  public int code() {
    return code;
  }

  public static BreakerState fromWireName(String name) {
    for (BreakerState state : values()) {
      if (state.wireName.equals(name)) {
        return state;
      }
    }
    throw new IllegalArgumentException("unknown breaker state '" + name + "'");
  }
}
