package io.fusebox.platform.bridge;

import io.fusebox.protocol.BridgeFrames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A raw TCP client of the bridge, able to send well-formed and malformed frames alike. */
final class BridgeClient implements AutoCloseable {

  final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  /** Held: Vert.x closes an unreferenced client, connection and all, when it is garbage collected. */
  private final NetClient client;
  private final NetSocket socket;
  private volatile boolean closed;

  private BridgeClient(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(BridgeFrames.reader(frames::add));
    socket.closeHandler(v -> closed = true);
  }

  static BridgeClient connect(Vertx vertx, int port) throws Exception {
    NetClient client = vertx.createNetClient();
    // the handlers are set on the event loop as the connection completes: set later from the test's
    // thread, a frame the bridge sends at once (a refusal) could arrive before them and be lost
    return client.connect(port, "127.0.0.1").map(socket -> new BridgeClient(client, socket))
        .await(5, TimeUnit.SECONDS);
  }

  BridgeClient frame(JsonObject frame) {
    return raw(BridgeFrames.encode(frame));
  }

  /** A length prefix and these bytes, whatever they are. */
  BridgeClient frame(Buffer body) {
    return raw(Buffer.buffer().appendInt(body.length()).appendBuffer(body));
  }

  BridgeClient raw(Buffer bytes) {
    socket.write(bytes);
    return this;
  }

  /** Waits for the n-th frame the bridge sent (1-based). */
  JsonObject awaitFrame(int n) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> frames.size() >= n);
    return frames.get(n - 1);
  }

  JsonObject request(String address, Object body, int n) {
    frame(new JsonObject().put("type", "send").put("address", address).put("replyAddress", "r" + n).put("body", body));
    return awaitFrame(n);
  }

  boolean isClosed() {
    return closed;
  }

  void awaitClosed(Duration within) {
    Awaitility.await().atMost(within).until(() -> closed);
  }

  @Override
  public void close() {
    client.close();
  }
}
