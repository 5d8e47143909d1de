package io.fusebox.config;

import io.fusebox.core.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The expected shape of one configuration value. A spec checks a parsed YAML/TOML value and adds
 * one problem per mismatch, as {@code path: problem (got X, expected Y)}, so that a file with ten
 * mistakes is answered with ten lines.
 */
public abstract class Spec {

  private boolean secret;

  /** Adds the problems of {@code value}, found at {@code path}, to {@code problems}. */
  public abstract void check(String path, Object value, List<String> problems);

  /** What a right value looks like, for messages. */
  public abstract String expected();

  /** Never show this value in a message (tokens, passwords). */
  public Spec secret() {
    this.secret = true;
    return this;
  }

  protected void problem(List<String> problems, String path, String what, Object got) {
    problems.add(path + ": " + what + " (got " + (secret ? "a hidden value" : show(got)) + ", expected " + expected() + ")");
  }

  /** A value as a user would write it, cut short when long. */
  static String show(Object value) {
    String text;
    if (value == null) {
      text = "nothing";
    } else if (value instanceof String s) {
      text = "\"" + s + "\"";
    } else if (value instanceof Map<?, ?> m) {
      text = "a section with keys " + m.keySet();
    } else if (value instanceof List<?> l) {
      text = "a list of " + l.size();
    } else {
      text = String.valueOf(value);
    }
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }

  public static Spec string() {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof String)) {
          problem(problems, path, "wrong type", value);
        }
      }

      @Override
      public String expected() {
        return "a string";
      }
    };
  }

  public static Spec integer(long min, long max) {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof Integer || value instanceof Long)) {
          problem(problems, path, "wrong type", value);
        } else if (((Number) value).longValue() < min || ((Number) value).longValue() > max) {
          problem(problems, path, "out of range", value);
        }
      }

      @Override
      public String expected() {
        return max == Integer.MAX_VALUE ? "an integer >= " + min : "an integer in " + min + ".." + max;
      }
    };
  }

  /** Any number; the ranges of breaker values are checked by the breaker's own config. */
  public static Spec number() {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof Number)) {
          problem(problems, path, "wrong type", value);
        }
      }

      @Override
      public String expected() {
        return "a number";
      }
    };
  }

  public static Spec bool() {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof Boolean)) {
          problem(problems, path, "wrong type", value);
        }
      }

      @Override
      public String expected() {
        return "true or false";
      }
    };
  }

  public static Spec duration() {
    return durationAtLeast(Duration.ofMillis(1));
  }

  public static Spec durationAtLeast(Duration min) {
    return durationBetween(min, null);
  }

  /** @param max null for no upper bound */
  public static Spec durationBetween(Duration min, Duration max) {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof String s)) {
          problem(problems, path, "wrong type", value);
          return;
        }
        try {
          Duration d = Durations.parse(s);
          if (d.compareTo(min) < 0) {
            problem(problems, path, "too short", value);
          } else if (max != null && d.compareTo(max) > 0) {
            problem(problems, path, "too long", value);
          }
        } catch (IllegalArgumentException e) {
          problem(problems, path, "not a duration", value);
        }
      }

      @Override
      public String expected() {
        return "a duration such as 250ms, 30s or 5m, at least " + Durations.format(min)
            + (max == null ? "" : " and at most " + Durations.format(max));
      }
    };
  }

  public static Spec oneOf(Set<String> values) {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof String s) || !values.contains(s)) {
          problem(problems, path, "unknown value", value);
        }
      }

      @Override
      public String expected() {
        return "one of " + String.join(", ", values);
      }
    };
  }

  public static Spec listOf(Spec element) {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof List<?> list)) {
          problem(problems, path, "wrong type", value);
          return;
        }
        for (int i = 0; i < list.size(); i++) {
          element.check(path + "[" + i + "]", list.get(i), problems);
        }
      }

      @Override
      public String expected() {
        return "a list of " + element.expected();
      }
    };
  }

  /** A section whose keys the user chooses (service names), each value of one spec. */
  public static Spec dictionaryOf(Spec element) {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof Map<?, ?> map)) {
          problem(problems, path, "wrong type", value);
          return;
        }
        map.forEach((key, v) -> element.check(path + "." + key, v, problems));
      }

      @Override
      public String expected() {
        return "a section of named entries";
      }
    };
  }

  /** Any section; its content is the user's (a verticle's own config). */
  public static Spec anySection() {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
        if (!(value instanceof Map)) {
          problem(problems, path, "wrong type", value);
        }
      }

      @Override
      public String expected() {
        return "a section";
      }
    };
  }

  /** Any JSON value at all. */
  public static Spec anyValue() {
    return new Spec() {
      @Override
      public void check(String path, Object value, List<String> problems) {
      }

      @Override
      public String expected() {
        return "any value";
      }
    };
  }

  public static Section section() {
    return new Section();
  }

  /** A section with known keys: any other key is a mistake. */
  public static final class Section extends Spec {
    private final Map<String, Spec> fields = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    public Section field(String key, Spec spec) {
      fields.put(key, spec);
      return this;
    }

    public Section required(String key, Spec spec) {
      required.add(key);
      return field(key, spec);
    }

    /** This section with the fields of another added. */
    public Section with(Section other) {
      Section merged = new Section();
      merged.fields.putAll(fields);
      merged.fields.putAll(other.fields);
      merged.required.addAll(required);
      merged.required.addAll(other.required);
      return merged;
    }

    @Override
    public void check(String path, Object value, List<String> problems) {
      if (!(value instanceof Map<?, ?> map)) {
        problem(problems, path, "wrong type", value);
        return;
      }
      for (String key : required) {
        if (map.get(key) == null) {
          Spec spec = fields.get(key);
          problems.add(path + "." + key + ": missing (got nothing, expected " + spec.expected() + ")");
        }
      }
      map.forEach((key, v) -> {
        Spec spec = fields.get(String.valueOf(key));
        if (spec == null) {
          problems.add(path + "." + key + ": unknown key (got " + key + ", expected one of "
              + String.join(", ", fields.keySet()) + ")");
        } else if (v != null) {
          // a key written with no value ("admin_token:") is as good as absent
          spec.check(path + "." + key, v, problems);
        }
      });
    }

    @Override
    public String expected() {
      return "a section with keys " + String.join(", ", fields.keySet());
    }
  }
}
