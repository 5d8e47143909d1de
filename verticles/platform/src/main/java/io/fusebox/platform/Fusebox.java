package io.fusebox.platform;

import io.fusebox.config.ConfigException;
import io.fusebox.config.ConfigLoader;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.platform.CommandLine.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code fusebox} command: {@code run}, {@code validate}, {@code presets}, {@code call},
 * {@code reload} and {@code help}. One rule for exit codes: 0 done; 1 the command was right but what it did failed (a
 * node that cannot start, a call answered with an error, a bridge that cannot be reached); 2 what
 * the user typed or wrote is wrong (an unknown command or option, a bad value, an operation that is
 * not JSON, an invalid configuration).
 */
public final class Fusebox {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  static final String DEFAULT_CONF = "conf/fusebox.yaml";
  static final String DEFAULT_BRIDGE = "127.0.0.1:7000";

  private static final String OVERVIEW = """
      usage: fusebox <command> [options]

      commands:
        run        start a node (default conf/fusebox.yaml, the demo)
        validate   check a configuration file and list every problem in it
        presets    print the presets' values
        call       send one operation to a breaker through a node's TCP bridge
        reload     make a running node read its configuration file again
        help       print this, or a command's usage: fusebox help <command>

      exit codes: 0 done, 1 failed, 2 bad usage or bad configuration
      """;

  private static final Map<String, String> USAGES = Map.of(
      "run", """
          usage: fusebox run [--conf FILE] [--classpath JARS]
            --conf FILE        the configuration (default conf/fusebox.yaml, the demo)
            --classpath JARS   more jars for user verticles, besides lib/ (separated by ':')
          Stops cleanly on SIGTERM or Ctrl-C.
          """,
      "validate", """
          usage: fusebox validate [--conf FILE] [--classpath JARS]
            --conf FILE        the configuration (default conf/fusebox.yaml)
            --classpath JARS   where user verticles are found, besides lib/
          Lists every problem at once, sorted by key path; exit 2 if there is any.
          """,
      "presets", """
          usage: fusebox presets
          Prints every preset's values, as a breaker section would set them.
          """,
      "call", """
          usage: fusebox call BREAKER JSON [--bridge HOST:PORT] [--timeout-ms N] [--verbose]
            --bridge HOST:PORT  the node's TCP bridge (default 127.0.0.1:7000)
            --timeout-ms N      the call's deadline, sent to the breaker (default: the breaker's call_timeout)
            --verbose           print how the call was answered (outcome, fallback, staleness) to stderr
          Prints the reply's body; a fallback's answer is always flagged on stderr.
          """,
      "reload", """
          usage: fusebox reload --reason TEXT [--url URL] [--token TOKEN]
            --reason TEXT   why, for the audit trail (required)
            --url URL       the node's HTTP address (default http://127.0.0.1:8080)
            --token TOKEN   an operator's token (default: the environment variable FUSEBOX_TOKEN)
          The node validates the whole file first: a refused file changes nothing (exit 2, every
          problem listed). Changed breakers keep their state; SIGHUP to the node does the same.
          """,
      "help", """
          usage: fusebox help [COMMAND]
          """);

  private Fusebox() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(OVERVIEW);
      return USAGE;
    }
    String command = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (Set.of("--help", "-h", "help").contains(command)) {
      return help(rest, out, err);
    }
    if (!USAGES.containsKey(command)) {
      err.println("fusebox: unknown command " + command);
      err.print(OVERVIEW);
      return USAGE;
    }
    if (rest.contains("--help") || rest.contains("-h")) {
      out.print(USAGES.get(command));
      return OK;
    }
    try {
      return switch (command) {
        case "run" -> runNode(CommandLine.parse(rest, Set.of("--conf", "--classpath"), Set.of(), 0), err);
        case "validate" -> validate(CommandLine.parse(rest, Set.of("--conf", "--classpath"), Set.of(), 0), out, err);
        case "presets" -> {
          CommandLine.parse(rest, Set.of(), Set.of(), 0);
          yield PresetPrinter.print(out);
        }
        case "call" -> CallCommand.run(CommandLine.parse(rest, Set.of("--bridge", "--timeout-ms"),
            Set.of("--verbose"), 2), out, err);
        case "reload" -> ReloadCommand.run(CommandLine.parse(rest, Set.of("--reason", "--url", "--token"), Set.of(), 0),
            System.getenv(), out, err);
        default -> throw new IllegalStateException(command);
      };
    } catch (UsageException e) {
      err.println("fusebox " + command + ": " + e.getMessage());
      err.print(USAGES.get(command));
      return USAGE;
    }
  }

  private static int help(List<String> rest, PrintStream out, PrintStream err) {
    if (rest.isEmpty()) {
      out.print(OVERVIEW);
      return OK;
    }
    String usage = rest.size() == 1 ? USAGES.get(rest.get(0)) : null;
    if (usage == null) {
      err.println("fusebox help: unknown command " + String.join(" ", rest));
      err.print(OVERVIEW);
      return USAGE;
    }
    out.print(usage);
    return OK;
  }

  /** The configuration, or null once every problem in it has been printed. */
  private static FuseboxConfig load(CommandLine line, ClassLoader userClasses, PrintStream err) {
    Path conf = Path.of(line.option("--conf", DEFAULT_CONF));
    try {
      return new ConfigLoader().load(conf, System.getenv(), userClasses);
    } catch (ConfigException e) {
      err.println(conf + " is not valid (" + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s")
          + "):");
      e.problems().forEach(p -> err.println("  " + p));
      return null;
    }
  }

  /** The user's verticle classes: the jars in {@code lib/}, then {@code --classpath}. */
  private static ClassLoader userClasses(CommandLine line) throws UsageException {
    try {
      return UserClassPath.of(Path.of("lib"), line.option("--classpath", null));
    } catch (IOException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static int validate(CommandLine line, PrintStream out, PrintStream err) throws UsageException {
    FuseboxConfig config = load(line, userClasses(line), err);
    if (config == null) {
      return USAGE;
    }
    List<String> names = config.services().stream().map(FuseboxConfig.Service::name).toList();
    out.println(line.option("--conf", DEFAULT_CONF) + " is valid: " + names.size() + " breaker(s)"
        + (names.isEmpty() ? "" : ": " + String.join(", ", names)));
    return OK;
  }

  private static int runNode(CommandLine line, PrintStream err) throws UsageException {
    ClassLoader userClasses = userClasses(line);
    FuseboxConfig config = load(line, userClasses, err);
    if (config == null) {
      return USAGE;
    }
    FuseboxNode node;
    try {
      node = FuseboxNode.start(config, Path.of(line.option("--conf", DEFAULT_CONF)), System.getenv(), userClasses)
          .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("fusebox could not start: " + e.getMessage());
      return FAILED;
    }
    node.reloadOnSighup();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node.stop().await(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("fusebox did not stop cleanly: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, "fusebox-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return OK;
  }
}
