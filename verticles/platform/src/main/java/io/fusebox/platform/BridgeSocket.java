package io.fusebox.platform;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One request through the TCP event-bus bridge over a plain blocking socket, as any language's
 * bridge client would send it: frames of a 4-byte big-endian length and a JSON object. The command
 * line uses it instead of a Vert.x instance because it makes one call and exits, and starting an
 * event loop would cost more than the call.
 */
final class BridgeSocket {

  /** The largest reply frame read; the bridge's own limit is far below. */
  private static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

  private BridgeSocket() {
  }

  /**
   * Sends {@code body} to {@code address} and returns the reply frame: {@code type} {@code message}
   * with {@code headers} and {@code body}, or {@code err} with {@code failureType}, {@code failureCode}
   * and {@code message}.
   *
   * @throws IOException when the bridge cannot be reached or does not answer within the timeout
   */
  static JsonObject request(String host, int port, String address, JsonObject body, JsonObject headers,
      int timeoutMillis) throws IOException {
    String replyAddress = "fusebox-cli." + UUID.randomUUID();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), Math.min(timeoutMillis, 2000));
      socket.setSoTimeout(timeoutMillis);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      byte[] frame = new JsonObject()
          .put("type", "send")
          .put("address", address)
          .put("replyAddress", replyAddress)
          .put("headers", headers)
          .put("body", body)
          .encode().getBytes(StandardCharsets.UTF_8);
      out.writeInt(frame.length);
      out.write(frame);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      try {
        int length = in.readInt();
        if (length < 0 || length > MAX_FRAME_BYTES) {
          throw new IOException("the bridge sent a frame of " + length + " bytes");
        }
        byte[] reply = in.readNBytes(length);
        if (reply.length < length) {
          throw new EOFException();
        }
        return new JsonObject(new String(reply, StandardCharsets.UTF_8));
      } catch (EOFException e) {
        throw new IOException("the bridge closed the connection without a reply", e);
      } catch (SocketTimeoutException e) {
        throw new IOException("no reply from the bridge within " + timeoutMillis + " ms", e);
      }
    }
  }
}
