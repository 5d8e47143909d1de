package io.fusebox.protocol;

import io.fusebox.core.CircuitBreaker;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The admin actions that change a breaker, named once: as sent on {@code fusebox.admin}
 * ({@code force_open}) and as the last segment of {@code POST /api/breakers/{name}/{action}}
 * ({@code force-open}).
 */
public enum AdminAction {
  CLOSE,
  DISABLE,
  FORCE_OPEN,
  RESET,
  FALLBACK_ON,
  FALLBACK_OFF;

  /** The longest reason an admin action may carry, for the audit trail and the override it shows. */
  public static final int MAX_REASON = 500;

  /**
   * Applies the action to a breaker's core, for every kind of breaker alike.
   *
   * @return false for {@code fallback_on} / {@code fallback_off}: the fallback switch is the
   *     breaker's owner's, not the core's
   */
  public boolean applyTo(CircuitBreaker breaker) {
    switch (this) {
      case FORCE_OPEN -> breaker.forceOpen();
      case DISABLE -> breaker.disable();
      case CLOSE -> breaker.close();
      case RESET -> breaker.reset();
      case FALLBACK_ON, FALLBACK_OFF -> {
        return false;
      }
    }
    return true;
  }

  /** E.g. {@code force_open}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** E.g. {@code force-open}. */
  public String urlName() {
    return wireName().replace('_', '-');
  }

  public static Optional<AdminAction> fromWireName(Object name) {
    return Arrays.stream(values()).filter(a -> a.wireName().equals(name)).findFirst();
  }

  public static Optional<AdminAction> fromUrlName(String name) {
    return Arrays.stream(values()).filter(a -> a.urlName().equals(name)).findFirst();
  }

  /** Every wire name, in declaration order, for error messages. */
  public static String wireNames() {
    return Arrays.stream(values()).map(AdminAction::wireName).collect(Collectors.joining(", "));
  }

  /** Every URL name, sorted, for error messages. */
  public static String urlNames() {
    return Arrays.stream(values()).map(AdminAction::urlName).sorted().collect(Collectors.joining(", "));
  }
}
