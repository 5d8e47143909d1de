package io.fusebox.dashboard;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.io.OutputStream;

/**
 * Bytes written on a worker thread go out as chunks of a chunked response while they are written,
 * so that a text of megabytes (the metrics of 10,000 breakers are 14 MB) is never held whole.
 * Vert.x's response may be written from any thread; it hands the chunks to its event loop.
 */
final class ChunkedResponseStream extends OutputStream {

  private static final int CHUNK_BYTES = 64 * 1024;

  private final HttpServerResponse response;
  private final byte[] chunk = new byte[CHUNK_BYTES];
  private int filled;

  ChunkedResponseStream(HttpServerResponse response) {
    this.response = response;
  }

  @Override
  public void write(int b) {
    if (filled == CHUNK_BYTES) {
      send();
    }
    chunk[filled++] = (byte) b;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    while (length > 0) {
      if (filled == CHUNK_BYTES) {
        send();
      }
      int n = Math.min(length, CHUNK_BYTES - filled);
      System.arraycopy(bytes, offset, chunk, filled, n);
      filled += n;
      offset += n;
      length -= n;
    }
  }

  /** Sends what is left; the caller ends the response. */
  @Override
  public void close() {
    if (filled > 0) {
      send();
    }
  }

  private void send() {
    response.write(Buffer.buffer().appendBytes(chunk, 0, filled));
    filled = 0;
  }
}
