package io.fusebox.fallback;

import io.fusebox.config.FallbackNames;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Why a call needs a fallback; each fallback's {@code on:} lists the ones it answers. */
public enum Trigger {
  /** Rejected because the breaker is open or forced open. */
  OPEN(FallbackNames.ON_OPEN),
  /** Rejected because every half-open probe permit is taken. */
  HALF_OPEN_FULL(FallbackNames.ON_HALF_OPEN_FULL),
  /** The dependency failed. */
  FAILURE(FallbackNames.ON_FAILURE),
  /** The call ran past its deadline. */
  TIMEOUT(FallbackNames.ON_TIMEOUT),
  /** Refused by the throttling state of a browned-out dependency. */
  THROTTLED(FallbackNames.ON_THROTTLED);

  private final String wireName;

  Trigger(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The triggers named in an {@code on:} list; all of them when the list is absent. */
  static Set<Trigger> of(List<?> names) {
    if (names == null) {
      return EnumSet.allOf(Trigger.class);
    }
    Set<Trigger> set = EnumSet.noneOf(Trigger.class);
    for (Object name : names) {
      for (Trigger t : values()) {
        if (t.wireName.equals(name)) {
          set.add(t);
        }
      }
    }
    return set;
  }
}
