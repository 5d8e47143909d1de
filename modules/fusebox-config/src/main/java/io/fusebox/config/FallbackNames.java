package io.fusebox.config;

import java.util.List;

/**
 * The names of the {@code fallback} section, defined once: the configuration checks them, and the
 * fallback module builds and triggers by them.
 */
public final class FallbackNames {

  public static final String STATIC = "static";
  public static final String CACHE = "cache";
  public static final String ADDRESS = "address";
  public static final String DEGRADED = "degraded";
  /** Every fallback type, in the order they are documented. */
  public static final List<String> TYPES = List.of(STATIC, CACHE, ADDRESS, DEGRADED);

  /** Rejected because the breaker is open or forced open. */
  public static final String ON_OPEN = "open";
  /** Rejected because every half-open probe permit is taken. */
  public static final String ON_HALF_OPEN_FULL = "half_open_full";
  /** The dependency failed. */
  public static final String ON_FAILURE = "failure";
  /** The call ran past its deadline. */
  public static final String ON_TIMEOUT = "timeout";
  /** Every trigger an {@code on:} list may name. */
  /** Refused by the throttling state. */
  public static final String ON_THROTTLED = "throttled";
  public static final List<String> TRIGGERS = List.of(ON_OPEN, ON_HALF_OPEN_FULL, ON_FAILURE, ON_TIMEOUT, ON_THROTTLED);

  private FallbackNames() {
  }
}
