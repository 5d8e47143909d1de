package io.fusebox.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.core.Durations;
import io.fusebox.core.InvalidBreakerConfigException;
import io.fusebox.core.Presets;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Reads a configuration file (YAML, or TOML by its {@code .toml} ending) into a
 * {@link FuseboxConfig}: placeholders, environment overrides, validation of every key, then
 * presets &lt; {@code default} &lt; service values merged and checked by the breaker's rules.
 * Any problem refuses the whole file, with all problems listed.
 */
public final class ConfigLoader {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
  };

  private final Map<String, DependencyKind> kinds;

  /** Knows the dependency kinds on the class path. */
  public ConfigLoader() {
    this(discoverKinds());
  }

  public ConfigLoader(Map<String, DependencyKind> kinds) {
    this.kinds = Map.copyOf(kinds);
  }

  private static Map<String, DependencyKind> discoverKinds() {
    Map<String, DependencyKind> found = new LinkedHashMap<>();
    ServiceLoader.load(DependencyKind.class).forEach(k -> found.put(k.type(), k));
    return found;
  }

  public FuseboxConfig load(Path file, Map<String, String> env) throws ConfigException {
    return load(file, env, null);
  }

  /**
   * @param verticleClasses where {@code fusebox.verticles} classes must be found, or null not to
   *     check them
   */
  public FuseboxConfig load(Path file, Map<String, String> env, ClassLoader verticleClasses) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read the file (got " + e.getClass().getSimpleName()
          + ", expected a readable YAML or TOML file)"));
    }
    return parse(text, file.toString().endsWith(".toml"), env, file.toAbsolutePath().getParent(), verticleClasses);
  }

  /** A configuration whose relative file paths are relative to the working directory. */
  public FuseboxConfig parse(String text, boolean toml, Map<String, String> env) throws ConfigException {
    return parse(text, toml, env, Path.of("").toAbsolutePath(), null);
  }

  /**
   * Checks everything in one pass: the keys and their types, then the breaker rules of every
   * section, then what would fail at start; every problem is reported at once, sorted by key path.
   *
   * @param configDirectory what relative file paths in the configuration are relative to
   * @param verticleClasses where user verticle classes must be found, or null not to check them
   */
  public FuseboxConfig parse(String text, boolean toml, Map<String, String> env, Path configDirectory,
      ClassLoader verticleClasses) throws ConfigException {
    List<String> problems = new ArrayList<>();
    String substituted = Placeholders.substitute(text, env, problems);
    Map<String, Object> root;
    try {
      ObjectMapper mapper = new ObjectMapper(toml ? new TomlFactory() : new YAMLFactory());
      root = mapper.readValue(substituted.isBlank() ? "{}" : substituted, MAP);
    } catch (JacksonException e) {
      problems.add("file: not valid " + (toml ? "TOML" : "YAML") + " (got "
          + e.getOriginalMessage().lines().findFirst().orElse("a syntax error")
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr())
          + ", expected a " + (toml ? "TOML" : "YAML") + " document)");
      throw new ConfigException(problems);
    }
    if (root == null) {
      root = new LinkedHashMap<>();
    }
    EnvironmentOverrides.apply(root, env, problems);
    resolvePaths(root, configDirectory);
    List<String> keyProblems = FuseboxSchema.check(root, kinds);
    problems.addAll(keyProblems);
    Map<String, Object> store = section(section(root, "fusebox"), "store");
    if ("redis".equals(store.get("type")) && store.get("url") == null) {
      problems.add("fusebox.store.url: missing (got nothing, expected a Redis URL such as redis://127.0.0.1:6379 for a redis store)");
    }
    List<FuseboxConfig.Service> services = services(root, keyProblems, problems);
    Map<String, BreakerConfig> inProcess = inProcess(root, keyProblems, problems);
    if (verticleClasses != null && keyProblems.stream().noneMatch(p -> p.startsWith("fusebox.verticles"))) {
      UserVerticles.check(section(root, "fusebox").get("verticles"), verticleClasses, problems);
    }
    List<FuseboxConfig.ApiToken> tokens = keyProblems.stream().anyMatch(p -> p.startsWith("fusebox.http"))
        ? List.of() : tokens(section(section(root, "fusebox"), "http"), problems);
    FuseboxConfig.Alerts alerts = keyProblems.stream().anyMatch(p -> p.startsWith("fusebox.alerts"))
        ? FuseboxConfig.Alerts.NONE : alerts(section(section(root, "fusebox"), "alerts"), problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(byPath(problems));
    }
    return typed(root, services, inProcess, alerts, tokens);
  }

  /**
   * {@code fusebox.http.tokens}, their keys' types already checked: names and tokens each unique,
   * and {@code admin} left to {@code admin_token}.
   */
  private static List<FuseboxConfig.ApiToken> tokens(Map<String, Object> http, List<String> problems) {
    List<FuseboxConfig.ApiToken> tokens = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> secrets = new HashSet<>();
    String adminToken = (String) value(http, "admin_token", "");
    List<Map<String, Object>> listed = sections(http, "tokens");
    for (int i = 0; i < listed.size(); i++) {
      Map<String, Object> token = listed.get(i);
      String path = "fusebox.http.tokens[" + i + "]";
      String name = (String) token.get("name");
      String secret = (String) token.get("token");
      if (name.isBlank() || name.length() > 64 || "admin".equals(name)) {
        problems.add(path + ".name: not allowed (got " + Spec.show(name)
            + ", expected 1 to 64 characters other than admin, which is admin_token's)");
      } else if (!names.add(name)) {
        problems.add(path + ".name: used twice (got " + Spec.show(name) + ", expected a name no other token has)");
      }
      if (secret.length() < 16 || secret.equals(adminToken) || !secrets.add(secret)) {
        problems.add(path + ".token: too short or used twice (got a hidden value, expected a token of at least 16"
            + " characters that no other token has)");
      }
      tokens.add(new FuseboxConfig.ApiToken(name, secret, (String) token.get("role")));
    }
    return List.copyOf(tokens);
  }

  /** {@code fusebox.alerts}, its keys' types already checked; a webhook needs an http(s) URL. */
  private static FuseboxConfig.Alerts alerts(Map<String, Object> alerts, List<String> problems) {
    Map<String, Object> flapping = section(alerts, "flapping");
    List<FuseboxConfig.AlertSink> sinks = new ArrayList<>();
    List<Map<String, Object>> listed = sections(alerts, "sinks");
    for (int i = 0; i < listed.size(); i++) {
      Map<String, Object> sink = listed.get(i);
      String path = "fusebox.alerts.sinks[" + i + "]";
      String type = (String) sink.get("type");
      String url = (String) sink.get("url");
      if ("webhook".equals(type) && !isHttpUrl(url)) {
        problems.add(path + ".url: " + (url == null ? "missing" : "not an http(s) URL with a host")
            + " (got " + (url == null ? "nothing" : "a hidden value")
            + ", expected the receiver's URL, such as https://hooks.example.com/fusebox)");
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, String> headers = (Map<String, String>) value(sink, "headers", Map.of());
      sinks.add(new FuseboxConfig.AlertSink(type, url, (String) value(sink, "format", "json"), Map.copyOf(headers),
          ((Number) value(sink, "max_attempts", FuseboxConfig.AlertSink.DEFAULT_MAX_ATTEMPTS)).intValue(),
          durationOr(sink, "initial_backoff", FuseboxConfig.AlertSink.DEFAULT_INITIAL_BACKOFF),
          durationOr(sink, "timeout", FuseboxConfig.AlertSink.DEFAULT_TIMEOUT),
          ((Number) value(sink, "queue", FuseboxConfig.AlertSink.DEFAULT_QUEUE)).intValue()));
    }
    return new FuseboxConfig.Alerts(List.copyOf(sinks),
        ((Number) value(flapping, "transitions", FuseboxConfig.Alerts.DEFAULT_FLAPPING_TRANSITIONS)).intValue(),
        durationOr(flapping, "window", FuseboxConfig.Alerts.DEFAULT_FLAPPING_WINDOW));
  }

  private static boolean isHttpUrl(String url) {
    if (url == null) {
      return false;
    }
    try {
      URI uri = URI.create(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (IllegalArgumentException unreadable) {
      return false;
    }
  }

  /** A list of sections, such as {@code fusebox.alerts.sinks}, whose entries' types are already checked. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> sections(Map<String, Object> parent, String key) {
    return (List<Map<String, Object>>) value(parent, key, List.of());
  }

  private static Duration durationOr(Map<String, Object> section, String key, Duration otherwise) {
    return section.get(key) != null ? Durations.parse((String) section.get(key)) : otherwise;
  }

  /** Problems read {@code path: problem (...)}; sorted by path, each path's own order kept. */
  private static List<String> byPath(List<String> problems) {
    List<String> sorted = new ArrayList<>(problems);
    sorted.sort(Comparator.comparing((String p) -> p.indexOf(':') < 0 ? p : p.substring(0, p.indexOf(':'))));
    return List.copyOf(sorted);
  }

  private void resolvePaths(Map<String, Object> root, Path configDirectory) {
    section(section(root, "circuit_breakers"), "services").values().forEach(service -> {
      if (service instanceof Map<?, ?> s && s.get("dependency") instanceof Map<?, ?> d
          && d.get("type") instanceof String type && kinds.containsKey(type)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> dependency = (Map<String, Object>) d;
        kinds.get(type).resolvePaths(dependency, configDirectory);
      }
    });
  }

  /**
   * Builds every breaker, so that the breaker rules are checked even where a key of another section
   * was wrong. A section whose own keys were wrong is still judged on the rest: a value the key check
   * already refused cannot be read, and is left to that problem.
   */
  private List<FuseboxConfig.Service> services(Map<String, Object> root, List<String> keyProblems,
      List<String> problems) {
    Map<String, Object> breakers = section(root, "circuit_breakers");
    Map<String, Object> defaults = section(breakers, "default");
    String defaultPreset = presetOf(defaults, Presets.DEFAULT);
    boolean defaultsValid = keyProblems.stream().noneMatch(p -> p.startsWith("circuit_breakers.default"))
        && build("circuit_breakers.default.", defaultPreset, List.of(defaults), null, problems) != null;
    List<FuseboxConfig.Service> services = new ArrayList<>();
    section(breakers, "services").forEach((name, value) -> {
      if (!(value instanceof Map<?, ?>)) {
        return;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> service = (Map<String, Object>) value;
      String prefix = "circuit_breakers.services." + name;
      boolean keysValid = keyProblems.stream().noneMatch(p -> p.startsWith(prefix + ".") || p.startsWith(prefix + ":"));
      try {
        String preset = presetOf(service, defaultPreset);
        // when the defaults are broken, report a service only for the keys it sets itself
        BreakerConfig config = build(prefix + ".", preset, List.of(defaults, service),
            defaultsValid ? null : new BreakerSection(service), problems);
        FuseboxConfig.Verdict verdict = verdict(service, prefix, problems);
        FuseboxConfig.Keyed keyed = keyed(service, prefix, problems);
        if (config != null && keysValid) {
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> fallback = (List<Map<String, Object>>) value(service, "fallback", List.of());
          services.add(new FuseboxConfig.Service(name, preset, config, section(service, "dependency"),
              List.copyOf(fallback), probeInterval(defaults, service), verdict, keyed));
        }
      } catch (ClassCastException alreadyReported) {
        if (keysValid) {
          throw alreadyReported;
        }
      }
    });
    return services;
  }

  /** {@code circuit_breakers.in_process}: breaker keys only, over the preset and the defaults as a service's. */
  private static Map<String, BreakerConfig> inProcess(Map<String, Object> root, List<String> keyProblems,
      List<String> problems) {
    Map<String, Object> breakers = section(root, "circuit_breakers");
    Map<String, Object> defaults = section(breakers, "default");
    String defaultPreset = presetOf(defaults, Presets.DEFAULT);
    Map<String, BreakerConfig> built = new LinkedHashMap<>();
    section(breakers, "in_process").forEach((name, value) -> {
      String prefix = "circuit_breakers.in_process." + name;
      if (!(value instanceof Map<?, ?>) || keyProblems.stream().anyMatch(p -> p.startsWith(prefix + ".")
          || p.startsWith(prefix + ":") || p.startsWith("circuit_breakers.default"))) {
        return;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> section = (Map<String, Object>) value;
      if (section(section(section, "recovery"), "probe").size() > 0) {
        problems.add(prefix + ".recovery.probe: not for an in-process breaker (got a probe section, expected"
            + " FuseboxBreakerOptions.activeProbe(check, interval) in code: only its owner knows how to check)");
      }
      if (section.containsKey("overload")) {
        problems.add(prefix + ".overload: not for an in-process breaker (got an overload section, expected it on a"
            + " service: a breaker verticle bounds its calls by priority and latency, an in-process one by its bulkhead)");
      }
      BreakerConfig config = build(prefix + ".", presetOf(section, defaultPreset), List.of(defaults, section), null,
          problems);
      if (config != null) {
        built.put(name, config);
      }
    });
    return built;
  }

  /** The section's preset, or {@code otherwise} when it names none or an unknown one (which the key check reports). */
  private static String presetOf(Map<String, Object> section, String otherwise) {
    return section.get("preset") instanceof String preset && Presets.names().contains(preset) ? preset : otherwise;
  }

  private static BreakerConfig build(String prefix, String preset, List<Map<String, Object>> layers,
      BreakerSection onlyKeysOf, List<String> problems) {
    BreakerConfigBuilder builder = Presets.get(preset).toBuilder();
    layers.forEach(layer -> new BreakerSection(layer).applyTo(builder));
    try {
      return builder.build();
    } catch (InvalidBreakerConfigException e) {
      for (String problem : e.problems()) {
        String key = problem.substring(0, problem.indexOf(':'));
        if (onlyKeysOf == null || onlyKeysOf.get(key.split("\\.")) != null) {
          problems.add(prefix + problem);
        }
      }
      return null;
    }
  }

  private static FuseboxConfig typed(Map<String, Object> root, List<FuseboxConfig.Service> services,
      Map<String, BreakerConfig> inProcess, FuseboxConfig.Alerts alerts, List<FuseboxConfig.ApiToken> tokens) {
    Map<String, Object> fusebox = section(root, "fusebox");
    Map<String, Object> http = section(fusebox, "http");
    Map<String, Object> cluster = section(fusebox, "cluster");
    Map<String, Object> store = section(fusebox, "store");
    Map<String, Object> bridge = section(fusebox, "bridge");
    Map<String, Object> tracing = section(fusebox, "tracing");
    Map<String, Object> reload = section(fusebox, "reload");
    List<FuseboxConfig.UserVerticle> verticles = new ArrayList<>();
    for (Map<String, Object> verticle : sections(fusebox, "verticles")) {
      verticles.add(new FuseboxConfig.UserVerticle((String) verticle.get("class"),
          ((Number) value(verticle, "instances", 1)).intValue(), section(verticle, "config")));
    }
    @SuppressWarnings("unchecked")
    List<String> members = (List<String>) value(cluster, "members", List.of());
    @SuppressWarnings("unchecked")
    List<String> origins = (List<String>) value(http, "allowed_origins", List.of());
    return new FuseboxConfig(
        new FuseboxConfig.Node((String) value(section(fusebox, "node"), "name", "node-" + ProcessHandle.current().pid())),
        new FuseboxConfig.Http((String) value(http, "host", "127.0.0.1"),
            ((Number) value(http, "port", 8080)).intValue(), (String) value(http, "admin_token", ""),
            List.copyOf(origins), tokens),
        new FuseboxConfig.Cluster((Boolean) value(cluster, "enabled", false),
            (String) value(cluster, "host", "127.0.0.1"), ((Number) value(cluster, "port", 5701)).intValue(),
            List.copyOf(members), durationOr(cluster, "heartbeat_interval", FuseboxConfig.Cluster.DEFAULT_HEARTBEAT_INTERVAL),
            durationOr(cluster, "suspect_after", FuseboxConfig.Cluster.DEFAULT_SUSPECT_AFTER)),
        new FuseboxConfig.Store((String) value(store, "type", "memory"), (String) value(store, "path", "data/breakers.json"),
            (String) value(store, "url", ""), (String) value(store, "prefix", "fusebox:breaker:")),
        fusebox.get("snapshot_interval") != null ? Durations.parse((String) fusebox.get("snapshot_interval"))
            : FuseboxConfig.DEFAULT_SNAPSHOT_INTERVAL,
        new FuseboxConfig.Tracing((Boolean) value(tracing, "enabled", false),
            (String) value(tracing, "endpoint", "http://127.0.0.1:4317"), (String) value(tracing, "service_name", "fusebox"),
            ((Number) value(tracing, "sample_ratio", 1.0)).doubleValue()),
        "json".equals(value(section(fusebox, "log"), "transitions", "text")),
        new FuseboxConfig.Bridge((Boolean) value(bridge, "enabled", false),
            (String) value(bridge, "host", "127.0.0.1"), ((Number) value(bridge, "port", 7000)).intValue(),
            ((Number) value(bridge, "max_frame_bytes", FuseboxConfig.Bridge.DEFAULT_MAX_FRAME_BYTES)).intValue(),
            bridge.get("idle_timeout") != null ? Durations.parse((String) bridge.get("idle_timeout"))
                : FuseboxConfig.Bridge.DEFAULT_IDLE_TIMEOUT,
            ((Number) value(bridge, "max_connections", FuseboxConfig.Bridge.DEFAULT_MAX_CONNECTIONS)).intValue()),
        List.copyOf(verticles),
        List.copyOf(services),
        Map.copyOf(inProcess),
        alerts,
        durationOr(section(fusebox, "history"), "retention", FuseboxConfig.DEFAULT_HISTORY_RETENTION),
        new FuseboxConfig.Reload((Boolean) value(reload, "watch", false), reload.get("interval") != null
            ? Durations.parse((String) reload.get("interval")) : FuseboxConfig.Reload.DEFAULT_INTERVAL),
        ConfigVersion.of(root));
  }

  private static FuseboxConfig.Verdict verdict(Map<String, Object> service, String path, List<String> problems) {
    Map<String, Object> verdict = section(service, "cluster_verdict");
    if (verdict.isEmpty()) {
      return null;
    }
    Object quorum = verdict.get("quorum");
    Object ratio = verdict.get("quorum_ratio");
    if ((quorum == null) == (ratio == null)) {
      problems.add(path + ".cluster_verdict: needs exactly one of quorum and quorum_ratio (got " + verdict.keySet()
          + ", expected quorum: 2 or quorum_ratio: 0.5)");
      return null;
    }
    if (ratio != null && !(((Number) ratio).doubleValue() > 0 && ((Number) ratio).doubleValue() <= 1)) {
      problems.add(path + ".cluster_verdict.quorum_ratio: out of range (got " + ratio + ", expected a rate in (0, 1])");
      return null;
    }
    return new FuseboxConfig.Verdict(quorum == null ? 0 : ((Number) quorum).intValue(),
        ratio == null ? 0 : ((Number) ratio).doubleValue(),
        durationOr(verdict, "forget_after", FuseboxConfig.Verdict.DEFAULT_FORGET_AFTER));
  }

  private static FuseboxConfig.Keyed keyed(Map<String, Object> service, String path, List<String> problems) {
    Map<String, Object> keyed = section(service, "keyed");
    if (keyed.isEmpty()) {
      return null;
    }
    Object by = keyed.get("by");
    if (!(by instanceof String source) || !FuseboxConfig.Keyed.validBy(source)) {
      problems.add(path + ".keyed.by: " + (by == null ? "missing" : "not a key source (got " + by + ")")
          + ", expected " + FuseboxConfig.Keyed.BY_FORMS);
      return null;
    }
    if (service.get("cluster_verdict") != null) {
      problems.add(path + ".keyed: a keyed family judges each key on its own node; it cannot take a cluster_verdict");
      return null;
    }
    Object idle = keyed.get("idle_expiry");
    return new FuseboxConfig.Keyed(source,
        ((Number) keyed.getOrDefault("max_keys", FuseboxConfig.Keyed.DEFAULT_MAX_KEYS)).intValue(),
        idle == null ? FuseboxConfig.Keyed.DEFAULT_IDLE_EXPIRY : Durations.parse(String.valueOf(idle)));
  }

  /** {@code recovery.probe} of the service, else of the defaults; null when neither sets one. */
  private static Duration probeInterval(Map<String, Object> defaults, Map<String, Object> service) {
    Object probe = new BreakerSection(service).get("recovery", "probe");
    if (probe == null) {
      probe = new BreakerSection(defaults).get("recovery", "probe");
    }
    if (!(probe instanceof Map<?, ?> p)) {
      return null;
    }
    Object interval = p.get("interval");
    return interval instanceof String text ? Durations.parse(text) : FuseboxConfig.DEFAULT_PROBE_INTERVAL;
  }

  /** A key's value, or the default when the key is absent or written with no value. */
  private static Object value(Map<String, Object> map, String key, Object otherwise) {
    Object v = map.get(key);
    return v == null ? otherwise : v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    return value instanceof Map ? (Map<String, Object>) value : new LinkedHashMap<>();
  }
}
