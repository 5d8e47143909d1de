package io.fusebox.protocol;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;

/**
 * The bridge's wire format for its clients: frames of a 4-byte big-endian length and a JSON
 * object. (The bridge itself reads frames with its own limits.)
 */
public final class BridgeFrames {

  private BridgeFrames() {
  }

  /** One frame, ready to write. */
  public static Buffer encode(JsonObject frame) {
    Buffer data = frame.toBuffer();
    return Buffer.buffer(4 + data.length()).appendInt(data.length()).appendBuffer(data);
  }

  /** A parser to set as a socket's handler, calling {@code onFrame} with each frame it reads. */
  public static RecordParser reader(Handler<JsonObject> onFrame) {
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(new Handler<>() {
      private boolean header = true;

      @Override
      public void handle(Buffer record) {
        if (header) {
          parser.fixedSizeMode(record.getInt(0));
        } else {
          onFrame.handle(record.toJsonObject());
          parser.fixedSizeMode(4);
        }
        header = !header;
      }
    });
    return parser;
  }
}
