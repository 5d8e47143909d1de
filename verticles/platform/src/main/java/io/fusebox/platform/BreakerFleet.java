package io.fusebox.platform;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.ConfigException;
import io.fusebox.config.ConfigLoader;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.ErrorCode;
import io.fusebox.protocol.FuseboxError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's breaker verticles, one per service of the configuration: deploys them at start, and
 * on {@code fusebox.reload} (the admin API, SIGHUP, the file watch) reads the configuration file
 * again, validates it as a whole, and brings the breakers to it. A changed breaker takes its new
 * configuration on its own event loop and keeps its state ({@link BreakerVerticle#reconfigure}),
 * whatever changed in its section; an added one is deployed; a removed one is drained, every call
 * it holds answered, then undeployed. A refused file changes nothing. One reload at a time, all of
 * it on this verticle's loop.
 */
final class BreakerFleet extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BreakerFleet.class);

  /** A deployed breaker and the section of the configuration it runs. */
  private record Running(BreakerVerticle verticle, String deploymentId, FuseboxConfig.Service service) {
  }

  /** The file the node started from, or null when it started from a configuration without one (tests). */
  private final Path file;
  private final Map<String, String> env;
  private final ClassLoader userClasses;
  private final NodeServices services;
  private final Map<String, Running> breakers = new LinkedHashMap<>();
  private FuseboxConfig current;
  private boolean reloading;
  private MessageConsumer<JsonObject> requests;
  private long watchTimer = -1;
  /** The file's content at the last reload or check, so that the watch reloads only what changed. */
  private Buffer lastSeen;
  /** How many breakers run now, for {@code /health}, which reads it from its own loop. */
  private volatile int running;

  BreakerFleet(FuseboxConfig config, Path file, Map<String, String> env, ClassLoader userClasses,
      NodeServices services) {
    this.current = config;
    this.file = file;
    this.env = env;
    this.userClasses = userClasses;
    this.services = services;
  }

  int running() {
    return running;
  }

  @Override
  public Future<?> start() {
    List<Future<?>> deployed = new ArrayList<>();
    for (FuseboxConfig.Service service : current.services()) {
      deployed.add(deploy(service, current.version()));
    }
    requests = vertx.eventBus().localConsumer(Addresses.RELOAD, this::onReload);
    return Future.all(deployed).compose(ok -> requests.completion()).compose(ok -> watch());
  }

  private Future<Void> deploy(FuseboxConfig.Service service, String version) {
    BreakerVerticle verticle = new BreakerVerticle(service, current.node().name(), current.snapshotInterval(), services,
        version);
    return vertx.deployVerticle(verticle).map(id -> {
      breakers.put(service.name(), new Running(verticle, id, service));
      running = breakers.size();
      LOG.info("breaker {} protects {} ({})", service.name(), service.dependency().get("base_url") != null
          ? service.dependency().get("base_url") : service.dependencyType(), service.preset());
      return null;
    });
  }

  private Future<Void> remove(Running breaker) {
    return here(breaker.verticle().drain())
        .compose(drained -> vertx.undeploy(breaker.deploymentId()))
        .onSuccess(ok -> {
          breakers.remove(breaker.service().name());
          running = breakers.size();
        });
  }

  private void onReload(Message<JsonObject> message) {
    JsonObject body = message.body() == null ? new JsonObject() : message.body();
    String by = body.getString("by", "unknown");
    String reason = body.getString("reason", "");
    String via = body.getString("via", "node");
    if (reloading) {
      fail(message, ErrorCode.RELOAD_IN_PROGRESS, "a reload is under way; ask again when it ends");
      return;
    }
    if (file == null) {
      fail(message, ErrorCode.BAD_REQUEST, "this node was started without a configuration file, so there is none to reload");
      return;
    }
    reloading = true;
    read().compose(next -> apply(next, by, reason, via)).onComplete(ar -> {
      reloading = false;
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else if (ar.cause() instanceof ReplyException refused) {
        LOG.warn("reload asked by {} ({}) refused: {}", by, reason, FuseboxError.parse(refused.failureCode(),
            refused.getMessage()).detail());
        message.fail(refused.failureCode(), refused.getMessage());
      } else {
        LOG.warn("reload asked by {} ({}) failed", by, reason, ar.cause());
        fail(message, ErrorCode.INTERNAL, "the reload failed: " + ar.cause().getMessage());
      }
    });
  }

  /** Completes on this verticle's loop what a breaker completes on its own. */
  private <T> Future<T> here(Future<T> elsewhere) {
    Promise<T> mine = Promise.promise();
    elsewhere.onComplete(ar -> context.runOnContext(v -> mine.handle(ar)));
    return mine.future();
  }

  /** Reads the file and validates all of it, off the event loop; a file with problems is refused, naming them all. */
  private Future<FuseboxConfig> read() {
    return vertx.fileSystem().readFile(file.toString()).compose(content -> {
      lastSeen = content;
      return vertx.executeBlocking(() -> parse(content));
    });
  }

  private FuseboxConfig parse(Buffer content) {
    try {
      return new ConfigLoader().parse(content.toString(), file.toString().endsWith(".toml"), env,
          file.toAbsolutePath().getParent(), userClasses);
    } catch (ConfigException e) {
      throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, ErrorCode.INVALID_CONFIG.code(),
          FuseboxError.of(ErrorCode.INVALID_CONFIG, null, null, file + " was not applied, nothing changed: "
              + String.join("; ", e.problems())).toJson().encode());
    }
  }

  /** Brings the breakers to {@code next}; the reply names what changed and what needs a restart. */
  private Future<JsonObject> apply(FuseboxConfig next, String by, String reason, String via) {
    Map<String, FuseboxConfig.Service> wanted = new LinkedHashMap<>();
    next.services().forEach(s -> wanted.put(s.name(), s));
    JsonArray added = new JsonArray();
    JsonArray removed = new JsonArray();
    JsonArray changed = new JsonArray();
    JsonArray failed = new JsonArray();
    List<Future<?>> steps = new ArrayList<>();
    for (Running r : List.copyOf(breakers.values())) {
      if (!wanted.containsKey(r.service().name())) {
        removed.add(r.service().name());
        steps.add(step(remove(r), r.service().name(), failed));
      }
    }
    for (FuseboxConfig.Service service : wanted.values()) {
      Running r = breakers.get(service.name());
      if (r == null) {
        added.add(service.name());
        steps.add(step(deploy(service, next.version()), service.name(), failed));
      } else {
        if (!r.service().equals(service)) {
          changed.add(service.name());
        }
        steps.add(step(here(r.verticle().reconfigure(service, next.version()))
            .onSuccess(ok -> breakers.put(service.name(), new Running(r.verticle(), r.deploymentId(), service))),
            service.name(), failed));
      }
    }
    FuseboxConfig previous = current;
    return Future.join(steps).transform(done -> {
      current = next;
      JsonObject result = new JsonObject()
          .put("node", next.node().name())
          .put("version", next.version())
          .put("previous_version", previous.version())
          .put("added", added).put("removed", removed).put("changed", changed)
          .put("unchanged", wanted.size() - added.size() - changed.size())
          .put("failed", failed)
          .put("restart_needed", restartNeeded(previous, next));
      if (!Objects.equals(previous.version(), next.version())) {
        vertx.eventBus().publish(Addresses.CONFIG, result.copy().put("type", "config_changed").put("by", by)
            .put("reason", reason).put("via", via).put("at", System.currentTimeMillis()));
      }
      LOG.info("reload by {} ({}): version {} -> {}, added {}, removed {}, changed {}{}", by, reason, previous.version(),
          next.version(), added, removed, changed, failed.isEmpty() ? "" : ", failed " + failed);
      return rewatch(previous.reload()).map(result);
    });
  }

  /** A step that fails is named in the reply; the others go on. */
  private static Future<?> step(Future<?> step, String breaker, JsonArray failed) {
    return step.onFailure(e -> failed.add(new JsonObject().put("breaker", breaker).put("error", String.valueOf(e.getMessage()))));
  }

  /** The sections that only a restart applies, named as in the file, when the new file changed them. */
  private static JsonArray restartNeeded(FuseboxConfig a, FuseboxConfig b) {
    JsonArray names = new JsonArray();
    Map<String, Boolean> same = new LinkedHashMap<>();
    same.put("fusebox.node", a.node().equals(b.node()));
    same.put("fusebox.http", a.http().equals(b.http()));
    same.put("fusebox.cluster", a.cluster().equals(b.cluster()));
    same.put("fusebox.store", a.store().equals(b.store()));
    same.put("fusebox.snapshot_interval", a.snapshotInterval().equals(b.snapshotInterval()));
    same.put("fusebox.tracing", a.tracing().equals(b.tracing()));
    same.put("fusebox.log", a.jsonTransitionLog() == b.jsonTransitionLog());
    same.put("fusebox.bridge", a.bridge().equals(b.bridge()));
    same.put("fusebox.verticles", a.verticles().equals(b.verticles()));
    same.put("fusebox.alerts", a.alerts().equals(b.alerts()));
    same.put("fusebox.history", a.historyRetention().equals(b.historyRetention()));
    same.put("circuit_breakers.in_process", a.inProcess().equals(b.inProcess()));
    same.forEach((name, unchanged) -> {
      if (!unchanged) {
        names.add(name);
      }
    });
    return names;
  }

  /** {@code fusebox.reload.watch}: checks the file every interval and reloads it when its content changed. */
  private Future<Void> watch() {
    if (!current.reload().watch() || file == null) {
      return Future.succeededFuture();
    }
    return vertx.fileSystem().readFile(file.toString()).onSuccess(content -> {
      lastSeen = content;
      watchTimer = vertx.setPeriodic(current.reload().interval().toMillis(), id -> checkFile());
    }).mapEmpty();
  }

  private Future<Void> rewatch(FuseboxConfig.Reload before) {
    if (before.equals(current.reload())) {
      return Future.succeededFuture();
    }
    if (watchTimer != -1) {
      vertx.cancelTimer(watchTimer);
      watchTimer = -1;
    }
    return watch();
  }

  private void checkFile() {
    if (reloading) {
      return;
    }
    vertx.fileSystem().readFile(file.toString()).onSuccess(content -> {
      if (content.equals(lastSeen) || reloading) {
        return;
      }
      lastSeen = content;
      vertx.eventBus().<JsonObject>request(Addresses.RELOAD, new JsonObject().put("by", "file watch")
          .put("reason", file.getFileName() + " changed"));
    });
  }

  private static void fail(Message<?> message, ErrorCode code, String detail) {
    FuseboxError.of(code, null, null, detail).failOn(message);
  }
}
