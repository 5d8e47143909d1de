package io.fusebox.platform;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
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
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(new io.vertx.core.Handler<>() {
      private int length = -1;

      @Override
      public void handle(Buffer record) {
        if (length < 0) {
          length = record.getInt(0);
          parser.fixedSizeMode(length);
        } else {
          reply.tryComplete(record.toJsonObject());
          length = -1;
          parser.fixedSizeMode(4);
        }
      }
    });
    socket.handler(parser);
    socket.exceptionHandler(reply::tryFail);
    socket.closeHandler(v -> reply.tryFail("the bridge closed the connection without a reply"));
    long timer = vertx.setTimer(timeoutMillis, id -> reply.tryFail("no reply from the bridge within " + timeoutMillis + " ms"));
    write(socket, frame);
    return reply.future().andThen(ar -> {
      vertx.cancelTimer(timer);
      socket.close();
    });
  }

  static void write(NetSocket socket, JsonObject frame) {
    Buffer data = frame.toBuffer();
    socket.write(Buffer.buffer(4 + data.length()).appendInt(data.length()).appendBuffer(data));
  }
}
