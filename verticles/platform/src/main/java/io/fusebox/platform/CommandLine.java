package io.fusebox.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One command's arguments, read strictly: an option the command does not know, an option without
 * its value, or one positional argument too many is a usage error, never silently ignored.
 */
record CommandLine(List<String> positional, Map<String, String> options, Set<String> flags) {

  /** A mistake in what the user typed; the message says which and the command exits 2. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /**
   * @param args the arguments after the command's name
   * @param valued the options that take a value, e.g. {@code --conf}
   * @param switches the options that take none, e.g. {@code --verbose}
   * @param maxPositional how many plain arguments the command takes at most
   */
  static CommandLine parse(List<String> args, Set<String> valued, Set<String> switches, int maxPositional)
      throws UsageException {
    List<String> positional = new ArrayList<>();
    Map<String, String> options = new HashMap<>();
    Set<String> flags = new HashSet<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.startsWith("--") && arg.length() > 2) {
        if (switches.contains(arg)) {
          flags.add(arg);
        } else if (valued.contains(arg)) {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new UsageException("option " + arg + " needs a value");
          }
          if (options.put(arg, args.get(++i)) != null) {
            throw new UsageException("option " + arg + " is given twice");
          }
        } else {
          throw new UsageException("unknown option " + arg);
        }
      } else if (positional.size() == maxPositional) {
        throw new UsageException("unexpected argument '" + arg + "'");
      } else {
        positional.add(arg);
      }
    }
    return new CommandLine(List.copyOf(positional), Map.copyOf(options), Set.copyOf(flags));
  }

  String option(String name, String otherwise) {
    return options.getOrDefault(name, otherwise);
  }

  boolean flag(String name) {
    return flags.contains(name);
  }

  /** The option as a positive whole number, or the default when absent. */
  long positive(String name, long otherwise) throws UsageException {
    String value = options.get(name);
    if (value == null) {
      return otherwise;
    }
    try {
      long n = Long.parseLong(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("option " + name + " needs a positive whole number (got '" + value + "')");
  }
}
