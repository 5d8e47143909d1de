package io.fusebox.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between the platform and a real server (PostgreSQL, Redis, a gRPC server), whose
 * faults a test switches at runtime: added latency, a hang (connections accepted, nothing
 * forwarded), a partition (a hang whose new connections never reach the server), a reset of every open connection, refusal of new connections, a drop after N bytes,
 * and back to healthy. Faults are real network behaviour; the client under test is not touched.
 */
public final class FaultProxy {

  private enum Mode { HEALTHY, HANG, PARTITION, REFUSE }

  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  /** The proxy's connections to the server: what the server sees of its clients behind the proxy. */
  private final Set<NetSocket> toServer = ConcurrentHashMap.newKeySet();
  /** Sockets stopped by a hang, resumed when the proxy is healthy again. */
  private final Set<NetSocket> paused = ConcurrentHashMap.newKeySet();
  /** Connections made during a partition: they never reached the server, and are reset when it heals. */
  private final Set<NetSocket> unreached = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong bytesToServer = new AtomicLong();
  private volatile Mode mode = Mode.HEALTHY;
  private volatile long latencyMillis;
  private volatile long dropAfterBytes = -1;
  private volatile String marker;
  private final AtomicLong markerSeen = new AtomicLong();

  private FaultProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000));
    this.server = vertx.createNetServer().connectHandler(this::accept);
  }

  /** Starts a proxy on a free loopback port in front of {@code targetHost:targetPort}. */
  public static Future<FaultProxy> start(Vertx vertx, String targetHost, int targetPort) {
    FaultProxy proxy = new FaultProxy(vertx, targetHost, targetPort);
    return proxy.server.listen(0, "127.0.0.1").map(s -> proxy);
  }

  private void accept(NetSocket downstream) {
    accepted.incrementAndGet();
    if (mode == Mode.REFUSE) {
      downstream.close();
      return;
    }
    open.add(downstream);
    downstream.closeHandler(v -> open.remove(downstream));
    downstream.pause();
    if (mode == Mode.PARTITION) {
      unreached.add(downstream);
      return;
    }
    client.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed()) {
        downstream.close();
        return;
      }
      NetSocket upstream = ar.result();
      open.add(upstream);
      toServer.add(upstream);
      upstream.closeHandler(v -> {
        open.remove(upstream);
        toServer.remove(upstream);
        downstream.close();
      });
      downstream.closeHandler(v -> {
        open.remove(downstream);
        upstream.close();
      });
      AtomicLong forwarded = new AtomicLong();
      downstream.handler(data -> relay(data, upstream, downstream, forwarded, true));
      upstream.handler(data -> relay(data, downstream, upstream, forwarded, false));
      downstream.resume();
    });
  }

  private void relay(Buffer data, NetSocket to, NetSocket from, AtomicLong forwarded, boolean toServer) {
    if (stalled()) {
      // hold this chunk and stop reading, like a stalled network; it flows again when healthy
      from.pause();
      paused.add(from);
      vertx.setPeriodic(50, id -> {
        if (!stalled()) {
          vertx.cancelTimer(id);
          relay(data, to, from, forwarded, toServer);
        }
      });
      return;
    }
    long limit = dropAfterBytes;
    if (limit >= 0 && forwarded.addAndGet(data.length()) > limit) {
      from.close();
      to.close();
      return;
    }
    if (toServer) {
      bytesToServer.addAndGet(data.length());
      String watched = marker;
      if (watched != null && data.toString(StandardCharsets.ISO_8859_1).contains(watched)) {
        markerSeen.incrementAndGet();
      }
    }
    long latency = latencyMillis;
    if (latency > 0) {
      vertx.setTimer(latency, id -> to.write(data));
    } else {
      to.write(data);
    }
  }

  private boolean stalled() {
    return mode == Mode.HANG || mode == Mode.PARTITION;
  }

  public int port() {
    return server.actualPort();
  }

  public String host() {
    return "127.0.0.1";
  }

  /** Forwards everything at once again; what a hang held flows on. */
  public FaultProxy healthy() {
    mode = Mode.HEALTHY;
    latencyMillis = 0;
    dropAfterBytes = -1;
    paused.forEach(NetSocket::resume);
    paused.clear();
    unreached.forEach(NetSocket::close);
    unreached.clear();
    return this;
  }

  /** Delays every chunk in both directions. */
  public FaultProxy latency(Duration latency) {
    latencyMillis = latency.toMillis();
    return this;
  }

  /** Accepts and keeps connections but forwards nothing, in either direction, until healthy again. */
  public FaultProxy hang() {
    mode = Mode.HANG;
    return this;
  }

  /**
   * A network partition: open connections stall as in {@link #hang()}, and a connection made now is
   * accepted but never reaches the server (its client's connect succeeds, as a load balancer or a
   * kernel's backlog would let it, and nothing answers); such connections are closed when the
   * network heals, long after their clients gave up. Unlike a hang, the server does no work for
   * connections its clients abandoned during the fault, all at once when it heals.
   */
  public FaultProxy partition() {
    mode = Mode.PARTITION;
    return this;
  }

  /** Closes every new connection as soon as it is accepted. */
  public FaultProxy refuse() {
    mode = Mode.REFUSE;
    return this;
  }

  /** Closes each connection once it has carried this many bytes, counting both directions. */
  public FaultProxy dropAfter(long bytes) {
    dropAfterBytes = bytes;
    return this;
  }

  /** Closes every open connection now, as a server crash or a network reset would. */
  public FaultProxy resetConnections() {
    open.forEach(NetSocket::close);
    open.clear();
    return this;
  }

  /**
   * Counts client-to-server chunks that carry this text from now on (a query marker, say), to tell
   * which requests reached the server.
   */
  public FaultProxy watch(String text) {
    marker = text;
    markerSeen.set(0);
    return this;
  }

  /** Chunks that carried the watched text since {@link #watch(String)}. */
  public long watchedSeen() {
    return markerSeen.get();
  }

  /** Connections open to the server now. */
  public int serverConnections() {
    return toServer.size();
  }

  /** Connections accepted since start. */
  public long connectionsAccepted() {
    return accepted.get();
  }

  /** Bytes forwarded from clients to the server since start: anything reaching the dependency. */
  public long bytesToServer() {
    return bytesToServer.get();
  }

  public Future<Void> close() {
    resetConnections();
    return server.close().eventually(client::close);
  }
}
