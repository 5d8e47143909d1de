package io.fusebox.platform.bridge;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.BridgeFrames;
import io.fusebox.protocol.InstanceRouter;
import io.fusebox.protocol.PortTaken;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP event-bus bridge, Fusebox's front door for callers outside the JVM. It speaks the wire
 * protocol of Vert.x's TCP bridge, so its clients work unchanged, but it is Fusebox's own: the stock
 * bridge buffers frames of any size, keeps idle and half-sent connections forever, answers nothing
 * to a malformed frame and logs a stack trace for each. Inbound it only takes requests to
 * {@code fusebox.call.*}; outbound it only streams {@code fusebox.events} and
 * {@code fusebox.snapshots}. All connections live on this verticle's event loop.
 */
public final class BridgeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BridgeVerticle.class);

  private final FuseboxConfig.Bridge settings;
  private final BridgeProblems problems = new BridgeProblems();
  private NetServer server;
  /** Shared by the connections: in a cluster, which instance takes each call, and the calls a node holds. */
  private InstanceRouter router;
  private int connections;

  public BridgeVerticle(FuseboxConfig.Bridge settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer(new NetServerOptions()
        .setIdleTimeout((int) settings.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    server.connectHandler(this::onConnect);
    router = InstanceRouter.create(vertx);
    return router.ready().compose(ready -> server.listen(settings.port(), settings.host()))
        .recover(e -> Future.failedFuture(PortTaken.explain(e, "the event-bus bridge (fusebox.bridge.port)",
            settings.host(), settings.port())))
        .onSuccess(s -> LOG.info("event-bus bridge listening on {}:{}", settings.host(), s.actualPort()));
  }

  private void onConnect(NetSocket socket) {
    if (connections >= settings.maxConnections()) {
      problems.refusedConnection(socket.remoteAddress(), settings.maxConnections());
      socket.write(BridgeFrames.encode(new JsonObject().put("type", "err")
          .put("message", "too many connections: the bridge takes " + settings.maxConnections() + " at once")))
          .eventually(socket::close);
      return;
    }
    connections++;
    new BridgeConnection(vertx, socket, settings, problems, router, () -> connections--);
  }

  /** The port listened on, useful when 0 was asked for. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    return Future.all(server.close(), router.close());
  }
}
