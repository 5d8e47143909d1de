package io.fusebox.platform;

import io.fusebox.platform.CommandLine.UsageException;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.Headers;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;

/**
 * {@code fusebox call BREAKER JSON}: one operation through a node's TCP bridge. The reply's body
 * goes to stdout, everything about how it was answered to stderr, so that the output can be piped.
 */
final class CallCommand {

  /** How long the command waits for a reply when the caller sets no deadline of its own. */
  private static final long DEFAULT_WAIT_MILLIS = 15_000;

  private CallCommand() {
  }

  static int run(CommandLine line, PrintStream out, PrintStream err) throws UsageException {
    if (line.positional().size() != 2) {
      throw new UsageException("needs a breaker and an operation, e.g. fusebox call catalog '{\"path\":\"/items\"}'");
    }
    String breaker = line.positional().get(0);
    JsonObject operation;
    try {
      operation = new JsonObject(line.positional().get(1));
    } catch (DecodeException | ClassCastException e) {
      throw new UsageException("the operation must be a JSON object, e.g. '{\"method\":\"GET\",\"path\":\"/\"}' (got "
          + line.positional().get(1) + ")");
    }
    String bridge = line.option("--bridge", Fusebox.DEFAULT_BRIDGE);
    int colon = bridge.lastIndexOf(':');
    int port;
    try {
      port = Integer.parseInt(bridge.substring(colon + 1));
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (colon <= 0 || port < 1 || port > 65_535) {
      throw new UsageException("option --bridge needs HOST:PORT, e.g. 127.0.0.1:7000 (got '" + bridge + "')");
    }
    long deadline = line.positive("--timeout-ms", 0);
    JsonObject headers = new JsonObject();
    if (deadline > 0) {
      headers.put(Headers.TIMEOUT_MS, String.valueOf(deadline));
    }
    long wait = (deadline > 0 ? deadline : DEFAULT_WAIT_MILLIS) + 1000;
    JsonObject frame;
    try {
      frame = BridgeSocket.request(bridge.substring(0, colon), port, Addresses.call(breaker), operation, headers,
          (int) Math.min(Integer.MAX_VALUE, wait));
    } catch (IOException e) {
      err.println("cannot call " + breaker + " through the bridge at " + bridge + ": " + e.getMessage()
          + " (is a node running with fusebox.bridge.enabled: true?)");
      return Fusebox.FAILED;
    }
    if ("err".equals(frame.getString("type"))) {
      err.println(describeError(breaker, frame));
      return Fusebox.FAILED;
    }
    JsonObject replyHeaders = frame.getJsonObject("headers", new JsonObject());
    String fallback = replyHeaders.getString(Headers.FALLBACK);
    if (fallback != null) {
      String stale = replyHeaders.getString(Headers.STALE_MS);
      err.println("answered by the " + fallback + " fallback" + (stale == null ? "" : ", stale by " + stale + " ms")
          + " (breaker " + breaker + " is " + replyHeaders.getString(Headers.STATE, "not healthy") + ")");
    } else if (line.flag("--verbose")) {
      err.println("outcome " + replyHeaders.getString(Headers.OUTCOME, "success") + ", breaker " + breaker + " is "
          + replyHeaders.getString(Headers.STATE, "closed"));
    }
    out.println(frame.getValue("body"));
    return Fusebox.OK;
  }

  private static String describeError(String breaker, JsonObject frame) {
    if ("NO_HANDLERS".equals(frame.getString("failureType"))) {
      return "no breaker named " + breaker + " is deployed (is the node up with the bridge enabled?)";
    }
    if ("TIMEOUT".equals(frame.getString("failureType"))) {
      return "no reply from breaker " + breaker + " in time";
    }
    String message = frame.getString("message", "");
    if (!message.startsWith("{")) {
      return "error " + frame.getValue("failureCode", "") + ": " + message;
    }
    FuseboxError error = FuseboxError.parse(frame.getInteger("failureCode", 500), message);
    return "error " + error.code().code() + " " + error.code().error() + ": " + error.detail()
        + (error.retryAfterMillis() > 0 ? " (retry after " + error.retryAfterMillis() + " ms)" : "");
  }
}
