package io.fusebox.core;

import java.util.Locale;

/**
 * How much a caller's request matters when a breaker must choose, read from the request header
 * {@code fusebox-priority}. Under overload, sheddable calls are shed first and critical ones last.
 */
public enum Priority {
  CRITICAL, NORMAL, SHEDDABLE;

  private static final Priority[] ALL = values();

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** All priorities, most important first; the array is shared, never change it. */
  public static Priority[] all() {
    return ALL;
  }

  /** The priority a header names; null when it names none. */
  public static Priority fromWireName(String name) {
    for (Priority p : ALL) {
      if (p.wireName().equals(name)) {
        return p;
      }
    }
    return null;
  }
}
