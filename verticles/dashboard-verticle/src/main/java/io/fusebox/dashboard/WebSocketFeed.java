package io.fusebox.dashboard;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One browser's live stream: {@code hello} with every snapshot (and {@code stale_after_ms}, when an
 * instance not heard from counts as gone), then {@code snapshot} and
 * {@code transition} messages. A slow browser cannot make the node hold memory without bound:
 * while its socket is backed up, only the newest snapshot per breaker instance and the last
 * {@link #MAX_PENDING_TRANSITIONS} transitions wait. Nothing it sends is read.
 */
final class WebSocketFeed {

  static final int MAX_PENDING_TRANSITIONS = 200;
  /** A browser has nothing to say to a read-only feed; one that keeps talking is cut off. */
  static final int MAX_INBOUND_BYTES = 64 * 1024;

  private final ServerWebSocket socket;
  private final Map<String, JsonObject> pendingSnapshots = new LinkedHashMap<>();
  private final ArrayDeque<JsonObject> pendingTransitions = new ArrayDeque<>();
  private boolean closed;
  private long inboundBytes;

  /** @param staleAfterMillis when an instance not heard from counts as gone, told to the page in the hello */
  WebSocketFeed(ServerWebSocket socket, Iterable<JsonObject> snapshots, long staleAfterMillis) {
    this.socket = socket;
    // read-only: whatever the browser sends is dropped here and reaches no event-bus address
    socket.handler(data -> {
      inboundBytes += data.length();
      if (inboundBytes > MAX_INBOUND_BYTES && !closed) {
        closed = true;
        socket.close((short) 1008, "this feed is read-only");
      }
    });
    socket.drainHandler(v -> flush());
    JsonArray all = new JsonArray();
    snapshots.forEach(all::add);
    socket.writeTextMessage(new JsonObject().put("type", "hello").put("breakers", all)
        .put("stale_after_ms", staleAfterMillis).encode());
  }

  void onClose() {
    closed = true;
    pendingSnapshots.clear();
    pendingTransitions.clear();
  }

  /** @param instance the breaker and node it is of: a newer snapshot of it replaces an unsent one */
  void snapshot(String instance, JsonObject snapshot) {
    pendingSnapshots.put(instance, snapshot);
    flush();
  }

  /** A transition or a reload ({@code config_changed}), sent in order, the oldest dropped beyond the bound. */
  void event(JsonObject event) {
    if (pendingTransitions.size() == MAX_PENDING_TRANSITIONS) {
      pendingTransitions.pollFirst();
    }
    pendingTransitions.addLast(event);
    flush();
  }

  private void flush() {
    while (writable() && !pendingTransitions.isEmpty()) {
      socket.writeTextMessage(pendingTransitions.pollFirst().encode());
    }
    var it = pendingSnapshots.values().iterator();
    while (writable() && it.hasNext()) {
      JsonObject snapshot = it.next();
      it.remove();
      socket.writeTextMessage(snapshot.copy().put("type", "snapshot").encode());
    }
  }

  /**
   * A socket the browser closed (or broke with a bad frame) may still get a snapshot before its close
   * handler runs; asking a closed socket whether its queue is full throws.
   */
  private boolean writable() {
    return !closed && !socket.isClosed() && !socket.writeQueueFull();
  }

}
