package io.fusebox.core;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration notation of Fusebox configuration files and admin requests: {@code 250ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}.
 */
public final class Durations {

  private static final Pattern NOTATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {
  }

  /**
   * @throws IllegalArgumentException naming the text and the expected notation
   */
  public static Duration parse(String text) {
    Matcher m = NOTATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: '" + text + "' (expected a whole number with ms, s, m, h or d, e.g. 250ms, 30s, 5m, 1d)");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  /** The shortest exact notation: {@code 1500ms}, {@code 30s}, {@code 10m}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long millis = d.toMillis();
    if (millis % 3_600_000 == 0 && millis > 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0 && millis > 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0 && millis > 0) {
      return millis / 1000 + "s";
    }
    return millis + "ms";
  }
}
