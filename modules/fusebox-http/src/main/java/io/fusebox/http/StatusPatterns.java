package io.fusebox.http;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A set of HTTP statuses written as in configuration: single codes ({@code 503}) and classes
 * ({@code 5xx}), held as one bit per status. Public so that in-process breakers classify a
 * WebClient's statuses as the HTTP adapter does.
 */
public final class StatusPatterns {

  /** What the HTTP adapter counts as failures unless told otherwise. */
  public static final StatusPatterns DEFAULT_FAILURES = new StatusPatterns(HttpDependency.DEFAULT_FAILURE_STATUSES);
  /** What the HTTP adapter counts as the caller's fault unless told otherwise. */
  public static final StatusPatterns DEFAULT_IGNORED = new StatusPatterns(HttpDependency.DEFAULT_IGNORED_STATUSES);

  static final Pattern PATTERN = Pattern.compile("[1-5]xx|[1-5][0-9][0-9]");

  private final boolean[] matches = new boolean[600];

  /** @param patterns codes ({@code 503}) and classes ({@code "5xx"}) */
  public StatusPatterns(List<?> patterns) {
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

  public boolean contains(int status) {
    return status >= 0 && status < matches.length && matches[status];
  }
}
