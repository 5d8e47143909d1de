package io.fusebox.http;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A set of HTTP statuses written as in configuration: single codes ({@code 503}) and classes
 * ({@code 5xx}), held as one bit per status.
 */
final class StatusPatterns {

  static final Pattern PATTERN = Pattern.compile("[1-5]xx|[1-5][0-9][0-9]");

  private final boolean[] matches = new boolean[600];

  StatusPatterns(List<?> patterns) {
    for (Object p : patterns) {
      String text = String.valueOf(p);
      if (text.endsWith("xx")) {
        int base = (text.charAt(0) - '0') * 100;
        for (int s = base; s < base + 100; s++) {
          matches[s] = true;
        }
      } else {
        matches[Integer.parseInt(text)] = true;
      }
    }
  }

  static boolean valid(Object pattern) {
    return (pattern instanceof String || pattern instanceof Integer) && PATTERN.matcher(String.valueOf(pattern)).matches();
  }

  boolean contains(int status) {
    return status >= 0 && status < matches.length && matches[status];
  }
}
