package io.fusebox.platform;

import io.fusebox.platform.bridge.BridgeFrames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.UUID;

/**
 * One request through the TCP event-bus bridge, as any language's bridge client would send it:
 * frames of a 4-byte big-endian length and a JSON object.
 */
final class BridgeCall {

  private BridgeCall() {
  }

  /**
   * Sends {@code body} to {@code address} and completes with the reply frame: {@code type}
   * {@code message} with a {@code body}, or {@code err} with {@code failureCode} and {@code message}.
   */
  static Future<JsonObject> request(Vertx vertx, String host, int port, String address, JsonObject body,
      JsonObject headers, long timeoutMillis) {
    String replyAddress = "fusebox-cli." + UUID.randomUUID();
    // Vert.x closes a client that is no longer referenced, connections and all, when it is
    // garbage collected: the chain below holds it until the exchange is over
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000));
    return client.connect(port, host)
        .compose(socket -> exchange(vertx, socket, new JsonObject()
            .put("type", "send")
            .put("address", address)
            .put("replyAddress", replyAddress)
            .put("headers", headers)
            .put("body", body), timeoutMillis))
        .eventually(client::close);
  }

  private static Future<JsonObject> exchange(Vertx vertx, NetSocket socket, JsonObject frame, long timeoutMillis) {
    Promise<JsonObject> reply = Promise.promise();
    socket.handler(BridgeFrames.reader(reply::tryComplete));
    socket.exceptionHandler(reply::tryFail);
    socket.closeHandler(v -> reply.tryFail("the bridge closed the connection without a reply"));
    long timer = vertx.setTimer(timeoutMillis, id -> reply.tryFail("no reply from the bridge within " + timeoutMillis + " ms"));
    socket.write(BridgeFrames.encode(frame));
    return reply.future().andThen(ar -> {
      vertx.cancelTimer(timer);
      socket.close();
    });
  }
}
