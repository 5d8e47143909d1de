package io.fusebox.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies {@code FUSEBOX__<KEY>__<PATH>=value} variables over a parsed file: the key path in upper
 * case joined by {@code __}, e.g. {@code FUSEBOX__CIRCUIT_BREAKERS__SERVICES__ORDERS__TRANSITIONS__OPEN_TIMEOUT=10s}.
 * Values are read as YAML scalars, so {@code 8081} is a number and {@code true} a boolean.
 */
final class EnvironmentOverrides {

  static final String PREFIX = "FUSEBOX__";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private EnvironmentOverrides() {
  }

  @SuppressWarnings("unchecked")
  static void apply(Map<String, Object> root, Map<String, String> env, List<String> problems) {
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith(PREFIX) || e.getKey().length() == PREFIX.length()) {
        continue;
      }
      String[] path = e.getKey().substring(PREFIX.length()).toLowerCase(Locale.ROOT).split("__");
      Map<String, Object> section = root;
      for (int i = 0; i < path.length - 1; i++) {
        Object child = section.computeIfAbsent(path[i], k -> new LinkedHashMap<String, Object>());
        if (!(child instanceof Map)) {
          problems.add(e.getKey() + ": cannot override inside " + String.join(".", List.of(path).subList(0, i + 1))
              + " (got " + Spec.show(child) + ", expected a section)");
          section = null;
          break;
        }
        section = (Map<String, Object>) child;
      }
      if (section != null) {
        section.put(path[path.length - 1], scalar(e.getValue()));
      }
    }
  }

  private static Object scalar(String text) {
    try {
      Object value = YAML.readValue(text, Object.class);
      return value == null ? text : value;
    } catch (Exception notYaml) {
      return text;
    }
  }
}
