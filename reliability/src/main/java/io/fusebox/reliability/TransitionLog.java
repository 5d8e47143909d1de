package io.fusebox.reliability;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.BridgeFrames;
import io.fusebox.testkit.SvgChart;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Every transition a node publishes on {@code fusebox.events}, heard through its bridge and stamped on arrival. */
final class TransitionLog implements AutoCloseable {

  record Event(long nanos, String breaker, String to, String reason) {
  }

  private final NetClient client;
  private final List<Event> events = new CopyOnWriteArrayList<>();

  private TransitionLog(NetClient client) {
    this.client = client;
  }

  static TransitionLog listen(Vertx vertx, int bridgePort) throws Exception {
    NetClient client = vertx.createNetClient();
    TransitionLog log = new TransitionLog(client);
    NetSocket socket = client.connect(bridgePort, "127.0.0.1").await(10, TimeUnit.SECONDS);
    CompletableFuture<Void> pong = new CompletableFuture<>();
    socket.handler(BridgeFrames.reader(frame -> {
      if ("pong".equals(frame.getString("type"))) {
        pong.complete(null);
      }
      JsonObject body = frame.getJsonObject("body");
      if (Addresses.EVENTS.equals(frame.getString("address")) && body != null && body.getString("to") != null) {
        log.events.add(new Event(System.nanoTime(), body.getString("breaker"), body.getString("to"),
            body.getString("reason", "")));
      }
    }));
    socket.write(BridgeFrames.encode(new JsonObject().put("type", "register").put("address", Addresses.EVENTS)));
    // the bridge reads a connection's frames in order: once the ping after it is answered, the registration is in place
    socket.write(BridgeFrames.encode(new JsonObject().put("type", "ping")));
    pong.get(10, TimeUnit.SECONDS);
    return log;
  }

  List<Event> of(String breaker) {
    return events.stream().filter(e -> e.breaker().equals(breaker)).toList();
  }

  /** The first transition of the breaker into {@code state} at or after {@code sinceNanos}. */
  Optional<Event> first(String breaker, String state, long sinceNanos) {
    return of(breaker).stream().filter(e -> e.to().equals(state) && e.nanos() >= sinceNanos).findFirst();
  }

  long count(String breaker, String state) {
    return of(breaker).stream().filter(e -> e.to().equals(state)).count();
  }

  /** The breaker's states between two instants as bands in seconds from {@code fromNanos}, closed before any event. */
  List<SvgChart.Band> bands(String breaker, long fromNanos, long toNanos) {
    List<SvgChart.Band> bands = new ArrayList<>();
    String state = "closed";
    double start = 0;
    for (Event e : of(breaker)) {
      if (e.nanos() < fromNanos || e.nanos() > toNanos) {
        continue;
      }
      double at = (e.nanos() - fromNanos) / 1e9;
      bands.add(new SvgChart.Band(start, at, state));
      state = e.to();
      start = at;
    }
    bands.add(new SvgChart.Band(start, (toNanos - fromNanos) / 1e9, state));
    return bands;
  }

  static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.2f s", Duration.ofNanos(nanos).toMillis() / 1000.0);
  }

  @Override
  public void close() {
    client.close();
  }
}
