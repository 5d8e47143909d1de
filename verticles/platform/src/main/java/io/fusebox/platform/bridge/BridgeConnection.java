package io.fusebox.platform.bridge;

import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.InstanceRouter;
import io.fusebox.protocol.BridgeFrames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One client of the TCP bridge, speaking the Vert.x TCP event-bus bridge protocol: frames of a 4-byte
 * big-endian length and a JSON object, {@code send} (a request when it names a {@code replyAddress}),
 * {@code register}/{@code unregister} and {@code ping}.
 *
 * <p>A client's mistake is answered, never thrown: a frame that parses but is wrong gets an
 * {@code err} frame saying what is wrong and the connection goes on; a frame whose length cannot be
 * honoured (negative, or over the limit) gets an {@code err} frame and the connection is closed
 * before any of its body is buffered, since nothing after it can be framed.
 */
final class BridgeConnection {

  /** {@code fusebox.call.<breaker>}, or one node's instance of it, {@code fusebox.call.<breaker>@<node>}. */
  private static final Pattern CALL_ADDRESS = Pattern.compile(Pattern.quote(Addresses.CALL_PREFIX)
      + "[A-Za-z0-9_.-]+(" + Addresses.INSTANCE_SEPARATOR + "[A-Za-z0-9_.-]+)?");
  private static final int HEADER_BYTES = 4;

  private final Vertx vertx;
  private final NetSocket socket;
  private final FuseboxConfig.Bridge settings;
  private final BridgeProblems problems;
  private final InstanceRouter router;
  private final RecordParser parser;
  private final Map<String, MessageConsumer<Object>> registrations = new HashMap<>();
  private boolean awaitingHeader = true;
  private boolean closed;
  /** A connection's first mistake is logged, the rest only answered. */
  private boolean warned;

  BridgeConnection(Vertx vertx, NetSocket socket, FuseboxConfig.Bridge settings, BridgeProblems problems,
      InstanceRouter router, Runnable onClosed) {
    this.vertx = vertx;
    this.socket = socket;
    this.settings = settings;
    this.problems = problems;
    this.router = router;
    this.parser = RecordParser.newFixed(HEADER_BYTES, this::onRecord);
    socket.handler(parser);
    socket.exceptionHandler(e -> socket.close());
    socket.closeHandler(v -> {
      onClose();
      onClosed.run();
    });
  }

  private void onRecord(Buffer record) {
    if (closed) {
      return;
    }
    if (awaitingHeader) {
      int length = record.getInt(0);
      if (length < 0 || length > settings.maxFrameBytes()) {
        refuseAndClose("a frame of " + Integer.toUnsignedString(length) + " bytes is over the limit of "
            + settings.maxFrameBytes() + " bytes");
        return;
      }
      if (length == 0) {
        refuse("an empty frame; expected a JSON object");
        return;
      }
      awaitingHeader = false;
      parser.fixedSizeMode(length);
    } else {
      awaitingHeader = true;
      parser.fixedSizeMode(HEADER_BYTES);
      onFrame(record);
    }
  }

  private void onFrame(Buffer data) {
    Object parsed;
    try {
      parsed = Json.decodeValue(data);
    } catch (DecodeException e) {
      refuse("the frame is not JSON: " + BridgeProblems.firstLine(e.getMessage()));
      return;
    }
    if (!(parsed instanceof JsonObject frame)) {
      refuse("the frame must be a JSON object (got " + describe(parsed) + ")");
      return;
    }
    Object type = frame.getValue("type");
    if (!(type instanceof String)) {
      refuse("unknown_type: the frame needs a string 'type': send, register, unregister or ping (got "
          + describe(type) + ")");
      return;
    }
    switch ((String) type) {
      case "send" -> onSend(frame);
      case "register" -> onRegister(frame);
      case "unregister" -> onUnregister(frame);
      case "ping" -> write(new JsonObject().put("type", "pong"));
      case "publish" -> refuse("access_denied: publish is not allowed; breakers take requests, send one with a replyAddress");
      default -> refuse("unknown_type: '" + BridgeProblems.abbreviate((String) type)
          + "' (expected send, register, unregister or ping)");
    }
  }

  private void onSend(JsonObject frame) {
    Object address = frame.getValue("address");
    if (!(address instanceof String target)) {
      refuse("address_required: send needs a string 'address', " + Addresses.CALL_PREFIX + "<breaker> (got "
          + describe(address) + ")");
      return;
    }
    if (!CALL_ADDRESS.matcher(target).matches()) {
      refuse("access_denied: send may only go to " + Addresses.CALL_PREFIX + "<breaker> (got " + describe(address) + ")");
      return;
    }
    Object replyAddress = frame.getValue("replyAddress");
    if (replyAddress != null && !(replyAddress instanceof String)) {
      refuse("replyAddress must be a string (got " + describe(replyAddress) + ")");
      return;
    }
    DeliveryOptions options = new DeliveryOptions();
    String badHeaders = copyHeaders(frame.getValue("headers"), options);
    if (badHeaders != null) {
      refuse(badHeaders);
      return;
    }
    Object body = frame.getValue("body");
    if (replyAddress == null) {
      vertx.eventBus().send(target, body, options);
      return;
    }
    router.request(target, body, options).onComplete(ar -> {
      if (ar.succeeded()) {
        write(new JsonObject()
            .put("type", "message")
            .put("address", replyAddress)
            .put("send", true)
            .put("headers", headersOf(ar.result()))
            .put("body", ar.result().body()));
      } else {
        JsonObject err = new JsonObject().put("type", "err").put("address", replyAddress).put("sourceAddress", target);
        if (ar.cause() instanceof ReplyException re) {
          err.put("failureCode", re.failureCode()).put("failureType", re.failureType().name()).put("message", re.getMessage());
        } else {
          err.put("failureCode", -1).put("failureType", "ERROR").put("message", String.valueOf(ar.cause().getMessage()));
        }
        write(err);
      }
    });
  }

  /** Copies the frame's headers into the delivery; why they cannot be, or null. */
  private static String copyHeaders(Object headers, DeliveryOptions options) {
    if (headers == null) {
      return null;
    }
    if (!(headers instanceof JsonObject values)) {
      return "headers must be an object of names to strings (got " + describe(headers) + ")";
    }
    for (Map.Entry<String, Object> header : values) {
      if (!(header.getValue() instanceof String value)) {
        return "header '" + BridgeProblems.abbreviate(header.getKey()) + "' must be a string (got "
            + describe(header.getValue()) + ")";
      }
      options.addHeader(header.getKey(), value);
    }
    return null;
  }

  private void onRegister(JsonObject frame) {
    Object address = frame.getValue("address");
    if (!(address instanceof String name) || !(Addresses.EVENTS.equals(name) || Addresses.SNAPSHOTS.equals(name)
        || Addresses.CONFIG.equals(name))) {
      refuse("access_denied: register may only listen to " + Addresses.EVENTS + ", " + Addresses.SNAPSHOTS + " or "
          + Addresses.CONFIG + " (got "
          + describe(address) + ")");
      return;
    }
    registrations.computeIfAbsent(name, a -> vertx.eventBus().consumer(a, this::forward));
  }

  private void onUnregister(JsonObject frame) {
    Object address = frame.getValue("address");
    MessageConsumer<Object> consumer = address instanceof String name ? registrations.remove(name) : null;
    if (consumer == null) {
      refuse("unknown_address: unregister of an address this connection does not listen to (got " + describe(address) + ")");
    } else {
      consumer.unregister();
    }
  }

  /** Events and snapshots are a stream: a client that does not read them loses some, not the node's memory. */
  private void forward(Message<Object> message) {
    if (socket.writeQueueFull()) {
      return;
    }
    write(new JsonObject()
        .put("type", "message")
        .put("address", message.address())
        .put("send", false)
        .put("body", message.body()));
  }

  private void refuse(String why) {
    if (!warned) {
      warned = true;
      problems.report(socket.remoteAddress(), why);
    }
    write(new JsonObject().put("type", "err").put("message", why));
  }

  private void refuseAndClose(String why) {
    refuse(why);
    closed = true;
    socket.pause();
    socket.end();
  }

  private void write(JsonObject frame) {
    if (closed) {
      return;
    }
    socket.write(BridgeFrames.encode(frame));
  }

  private void onClose() {
    closed = true;
    registrations.values().forEach(MessageConsumer::unregister);
    registrations.clear();
  }

  private static JsonObject headersOf(Message<?> message) {
    JsonObject headers = new JsonObject();
    message.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    return headers;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    return value instanceof String s ? "'" + BridgeProblems.abbreviate(s) + "'" : value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }
}
