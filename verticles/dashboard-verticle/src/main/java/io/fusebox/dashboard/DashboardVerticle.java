package io.fusebox.dashboard;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.PortTaken;
import io.fusebox.protocol.SnapshotBoard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one HTTP server: the dashboard page at {@code /}, its live feed at {@code /ws}, the
 * REST API under {@code /api}, Prometheus metrics at {@code /metrics} and {@code /health}.
 * The page only reads: nothing a browser sends reaches the event bus, except the admin actions of
 * the REST API, which need the bearer token.
 */
public final class DashboardVerticle extends VerticleBase {

  /** Largest WebSocket frame or message a browser may send; the feed reads none anyway. */
  static final int MAX_WEBSOCKET_BYTES = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(DashboardVerticle.class);
  private static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * @param allowedOrigins origins besides its own whose pages may open {@code /ws}
   * @param localBreakers how many breakers run on this node now (a reload changes it), which
   *     {@code /health} expects to report
   */
  public record Settings(String host, int port, ApiTokens tokens, List<String> allowedOrigins,
      Duration snapshotInterval, String node, IntSupplier localBreakers) {
    @Override
    public String toString() {
      return "Settings[" + host + ":" + port + ", node=" + node + "]";
    }
  }

  private final Settings settings;
  private final PrometheusMeterRegistry registry;
  private final Set<WebSocketFeed> feeds = new LinkedHashSet<>();
  private final OriginCheck origins;
  private SnapshotBoard board;
  private HttpServer server;
  /**
   * One thread for the answers that take long to write with thousands of breakers (/metrics,
   * /api/breakers): off the event loop, and never more threads than one.
   */
  private WorkerExecutor writer;

  public DashboardVerticle(Settings settings, PrometheusMeterRegistry registry) {
    this.settings = settings;
    this.registry = registry;
    this.origins = new OriginCheck(settings.allowedOrigins());
  }

  @Override
  public Future<?> start() {
    writer = vertx.createSharedWorkerExecutor("fusebox-dashboard-writer", 1);
    board = new SnapshotBoard(vertx, settings.snapshotInterval(),
        (snapshot, json) -> feeds.forEach(f -> f.snapshot(snapshot.breaker() + "@" + snapshot.node(), json)));
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("X-Content-Type-Options", "nosniff").putHeader("X-Frame-Options", "DENY");
      ctx.next();
    });
    router.get("/ws").handler(this::webSocket);
    router.get("/metrics").handler(this::metrics);
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(healthChecks()));
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(16 * 1024));
    new ControlApi(vertx).mount(router);
    // before BreakerApi, whose catch-all answers every other /api path with 404
    NodeQuery nodes = new NodeQuery(vertx, board, settings.node());
    HistoryApi history = new HistoryApi(writer, board, nodes);
    history.mount(router);
    new AlertsApi(nodes).mount(router);
    new BreakerApi(vertx, writer, board, settings.tokens(), history).mount(router);
    // the chart library of the detail view, from its WebJar: the page works offline
    router.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route("/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy",
          "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'");
      ctx.next();
    }).handler(StaticHandler.create("webroot"));

    var events = vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> feeds.forEach(f -> f.event(m.body())));
    // every node's reloads, for the page's banner
    var configs = vertx.eventBus().<JsonObject>consumer(Addresses.CONFIG, m -> feeds.forEach(f -> f.event(m.body())));
    var ping = vertx.eventBus().consumer(healthAddress(), m -> m.reply("pong"));
    server = vertx.createHttpServer(new HttpServerOptions()
        .setMaxWebSocketFrameSize(MAX_WEBSOCKET_BYTES)
        .setMaxWebSocketMessageSize(MAX_WEBSOCKET_BYTES))
        .requestHandler(router);
    return Future.all(board.ready(), events.completion(), configs.completion(), ping.completion())
        .compose(ok -> server.listen(settings.port(), settings.host())
            .recover(e -> Future.failedFuture(PortTaken.explain(e, "the dashboard (fusebox.http.port)",
                settings.host(), settings.port()))))
        .onSuccess(s -> LOG.info("dashboard on http://{}:{}/", settings.host(), s.actualPort()));
  }

  /** The port the server listens on (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  private void webSocket(RoutingContext ctx) {
    if (!origins.allows(ctx.request())) {
      LOG.debug("websocket from origin {} refused", ctx.request().getHeader("Origin"));
      BreakerApi.error(ctx, 403, "forbidden_origin", "pages from this origin may not open the live feed"
          + " (fusebox.http.allowed_origins)");
      return;
    }
    ctx.request().toWebSocket().onSuccess(this::stream)
        .onFailure(e -> LOG.debug("websocket upgrade refused: {}", e.getMessage()));
  }

  private void stream(ServerWebSocket socket) {
    WebSocketFeed feed = new WebSocketFeed(socket, board.all(), SnapshotBoard.staleAfterMillis(settings.snapshotInterval()));
    feeds.add(feed);
    socket.closeHandler(v -> {
      feed.onClose();
      feeds.remove(feed);
    });
    socket.exceptionHandler(e -> socket.close());
  }

  /**
   * Scraped off the event loop (with thousands of breakers the text takes a hundred milliseconds and
   * more to write) and sent while it is written: the metrics of 10,000 breakers are 14 MB, which
   * whole cost three copies of that size a scrape (the stream growing, its array, the buffer).
   */
  private void metrics(RoutingContext ctx) {
    HttpServerResponse response = ctx.response().setChunked(true).putHeader("content-type", METRICS_CONTENT_TYPE);
    writer.executeBlocking(() -> {
      try (ChunkedResponseStream text = new ChunkedResponseStream(response)) {
        registry.scrape(text, METRICS_CONTENT_TYPE);
      }
      return null;
    }, false).onComplete(scraped -> {
      if (scraped.succeeded()) {
        response.end();
        return;
      }
      LOG.warn("metrics scrape failed", scraped.cause());
      if (response.headWritten()) {
        // a scraper must not take half a text for the whole: the cut connection fails its scrape
        response.reset();
      } else {
        BreakerApi.error(ctx, 500, "scrape_failed", "the metrics could not be written; the node's log says why");
      }
    });
  }

  private String healthAddress() {
    return "fusebox.health." + settings.node();
  }

  private HealthChecks healthChecks() {
    return HealthChecks.create(vertx)
        .register("event-bus", 1000, promise -> vertx.eventBus().request(healthAddress(), "ping",
                new DeliveryOptions().setSendTimeout(900))
            .onComplete(ar -> promise.complete(ar.succeeded() ? Status.OK() : Status.KO())))
        .register("breakers", promise -> {
          long reporting = board.onNode(settings.node());
          int deployed = settings.localBreakers().getAsInt();
          JsonObject data = new JsonObject().put("deployed", deployed).put("reporting", reporting);
          promise.complete(reporting >= deployed ? Status.OK(data) : Status.KO(data));
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> writer.close());
  }
}
