package io.fusebox.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a configuration text with environment
 * values, before parsing, as shells and Compose files do.
 */
final class Placeholders {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private Placeholders() {
  }

  static String substitute(String text, Map<String, String> env, List<String> problems) {
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = PLACEHOLDER.matcher(lines[i]);
      StringBuilder line = new StringBuilder();
      while (m.find()) {
        String value = env.get(m.group(1));
        if (value == null || (value.isEmpty() && m.group(2) != null)) {
          value = m.group(3);
        }
        if (value == null) {
          problems.add("line " + (i + 1) + ": environment variable " + m.group(1) + " is not set (got nothing, expected a value, or a default as ${"
              + m.group(1) + ":-value})");
          value = "";
        }
        m.appendReplacement(line, Matcher.quoteReplacement(value));
      }
      m.appendTail(line);
      out.append(line);
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    return out.toString();
  }
}
