package io.fusebox.platform;

import io.fusebox.config.ConfigException;
import io.fusebox.config.ConfigLoader;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.Durations;
import io.fusebox.core.Presets;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.Headers;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@code fusebox} command: {@code run}, {@code validate}, {@code presets} and {@code call}.
 * Exit codes: 0 done, 1 failed, 2 bad configuration or bad usage.
 */
public final class Fusebox {

  static final String DEFAULT_CONF = "conf/fusebox.yaml";
  static final String DEFAULT_BRIDGE = "127.0.0.1:7000";
  private static final String USAGE = """
      usage:
        fusebox run [--conf FILE] [--classpath JARS]   start a node (default conf/fusebox.yaml, the demo)
        fusebox validate --conf FILE                   check a configuration; exit 2 listing every problem
        fusebox presets                                print the presets' values
        fusebox call BREAKER JSON [--bridge HOST:PORT] [--timeout-ms N]
                                                       send one operation through the TCP bridge (default 127.0.0.1:7000)
      """;

  private Fusebox() {
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(USAGE);
      return 2;
    }
    Map<String, String> options = new HashMap<>();
    java.util.List<String> positional = new java.util.ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].startsWith("--")) {
        if (i + 1 >= args.length) {
          err.println("option " + args[i] + " needs a value");
          err.print(USAGE);
          return 2;
        }
        options.put(args[i].substring(2), args[++i]);
      } else {
        positional.add(args[i]);
      }
    }
    return switch (args[0]) {
      case "run" -> runNode(options, err);
      case "validate" -> validate(options, out, err);
      case "presets" -> presets(out);
      case "call" -> positional.size() == 2 ? call(positional.get(0), positional.get(1), options, out, err) : usage(err);
      default -> usage(err);
    };
  }

  private static int usage(PrintStream err) {
    err.print(USAGE);
    return 2;
  }

  private static FuseboxConfig load(Map<String, String> options, PrintStream err) {
    Path conf = Path.of(options.getOrDefault("conf", DEFAULT_CONF));
    try {
      return new ConfigLoader().load(conf, System.getenv());
    } catch (ConfigException e) {
      err.println(conf + " is not valid:");
      e.problems().forEach(p -> err.println("  " + p));
      return null;
    }
  }

  private static int validate(Map<String, String> options, PrintStream out, PrintStream err) {
    if (!options.containsKey("conf")) {
      return usage(err);
    }
    FuseboxConfig config = load(options, err);
    if (config == null) {
      return 2;
    }
    out.println(options.get("conf") + " is valid: " + config.services().size() + " breaker(s)"
        + (config.services().isEmpty() ? "" : ": " + String.join(", ", config.services().stream().map(FuseboxConfig.Service::name).toList())));
    return 0;
  }

  private static int runNode(Map<String, String> options, PrintStream err) {
    FuseboxConfig config = load(options, err);
    if (config == null) {
      return 2;
    }
    FuseboxNode node;
    try {
      node = FuseboxNode.start(config, UserClassPath.of(Path.of("lib"), options.get("classpath")))
          .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      err.println("fusebox could not start: " + e.getMessage());
      return 1;
    }
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
    return 0;
  }

  private static int presets(PrintStream out) {
    for (String name : Presets.names()) {
      BreakerConfig c = Presets.get(name);
      out.println(name + ":");
      out.println("  detection:");
      out.println("    consecutive_failures: { threshold: " + c.consecutiveFailures().threshold() + " }");
      BreakerConfig.Window w = c.failureRate().window();
      out.println("    failure_rate: { threshold: " + c.failureRate().threshold() + ", minimum_calls: "
          + c.failureRate().minimumCalls() + ", window: { type: " + w.type().wireName() + ", "
          + (w.type() == BreakerConfig.WindowType.COUNT_BASED ? "size: " + w.size() : "duration: " + Durations.format(w.duration())) + " } }");
      out.println("    slow_calls: { threshold: " + Durations.format(c.slowCalls().threshold()) + ", rate_threshold: "
          + c.slowCalls().rateThreshold() + " }");
      out.println("    call_timeout: " + Durations.format(c.callTimeout()));
      out.println("  bulkhead: { max_concurrent_calls: " + c.bulkhead().maxConcurrentCalls() + ", max_wait_queue: "
          + c.bulkhead().maxWaitQueue() + " }");
      BreakerConfig.Transitions t = c.transitions();
      out.println("  transitions: { open_timeout: " + Durations.format(t.openTimeout()) + ", enable_exponential_backoff: "
          + t.enableExponentialBackoff() + ", backoff_multiplier: " + t.backoffMultiplier() + ", max_open_timeout: "
          + Durations.format(t.maxOpenTimeout()) + ", jitter: " + t.jitter() + " }");
      out.println("  recovery: { permitted_probes: " + c.recovery().permittedProbes() + ", success_threshold: "
          + c.recovery().successThreshold() + ", strict_mode: " + c.recovery().strictMode() + " }");
    }
    return 0;
  }

  private static int call(String breaker, String json, Map<String, String> options, PrintStream out, PrintStream err) {
    JsonObject operation;
    try {
      operation = new JsonObject(json);
    } catch (DecodeException e) {
      err.println("the operation must be a JSON object, e.g. '{\"method\":\"GET\",\"path\":\"/\"}' (got " + json + ")");
      return 2;
    }
    String[] bridge = options.getOrDefault("bridge", DEFAULT_BRIDGE).split(":");
    long timeout = Long.parseLong(options.getOrDefault("timeout-ms", "15000"));
    JsonObject headers = new JsonObject();
    if (options.containsKey("timeout-ms")) {
      headers.put(Headers.TIMEOUT_MS, options.get("timeout-ms"));
    }
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject frame = BridgeCall.request(vertx, bridge[0], Integer.parseInt(bridge[1]), Addresses.call(breaker),
          operation, headers, timeout + 1000).await(timeout + 5000, TimeUnit.MILLISECONDS);
      if ("err".equals(frame.getString("type"))) {
        err.println("error " + frame.getValue("failureCode", "") + ": " + frame.getString("message"));
        return 1;
      }
      out.println(frame.getValue("body"));
      return 0;
    } catch (Exception e) {
      err.println("cannot call " + breaker + " through the bridge at " + String.join(":", bridge) + ": "
          + e.getMessage() + " (is a node running with fusebox.bridge.enabled: true?)");
      return 1;
    } finally {
      vertx.close();
    }
  }
}
