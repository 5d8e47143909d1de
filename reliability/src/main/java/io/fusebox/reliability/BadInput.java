package io.fusebox.reliability;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.BridgeFrames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 9: a seeded fuzzer over everything a caller or an operator can send: bridge frames,
 * event-bus bodies and headers, admin requests, WebSocket frames and configuration files. Every case
 * must get a clear answer (or, for a WebSocket, be ignored or closed), quickly, and the node must go on
 * answering a steady stream of normal calls throughout.
 */
final class BadInput implements Scenario {

  private static final long SEED = 20261202L;
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);

  private final SplittableRandom random = new SplittableRandom(SEED);
  private final List<String> problems = new ArrayList<>();

  @Override
  public void run(Workspace workspace, Mode mode, Report report) throws Exception {
    Report.Section section = report.section(9, "Bad input", """
        A seeded fuzzer (seed %d, so a failing case can be replayed) sends the node malformed and random bridge \
        frames (bytes, non-JSON, wrong types, unknown addresses, frames over the size limit), call bodies and \
        headers of every JSON type, admin requests (any method, path, token and body), WebSocket frames to the \
        dashboard, and mangled configuration files to `fusebox validate`; meanwhile a steady 20 calls/s of normal \
        calls goes through. Targets: every case answered within 3 s with an error that says what is wrong (a \
        connection over the frame limit is closed after its error), no 5xx from the admin API, no crash, every \
        normal call answered with success, no ERROR in the node's log.""".formatted(SEED));
    SimulatedDependency dependency = SimulatedDependency.start(workspace.vertx()).await(10, TimeUnit.SECONDS)
        .behave(SimulatedDependency.Behaviour.steady(2));
    String breakers = """
        orders:
          dependency: { type: http, base_url: "%s", pool_size: 8 }
        """.formatted(dependency.baseUrl());
    try (NodeProcess node = NodeProcess.start(workspace, "bad-input", "", breakers)) {
      BridgeLoad normal = BridgeLoad.connect(workspace.vertx(), node.bridgePort(), "orders",
          id -> new JsonObject().put("method", "GET").put("path", "/ok")).openLoop(20);
      int cases = mode.fuzzCases();
      int frames = fuzzBridgeFrames(workspace, node, cases / 2);
      int admin = fuzzAdmin(node, cases / 4);
      int sockets = fuzzWebSocket(workspace, node, cases / 4);
      int configs = fuzzConfigs(workspace, mode.fuzzConfigs());
      BridgeLoad.Stats stats = normal.finish(Duration.ofSeconds(10));
      section.figure("bridge frames and call bodies/headers: cases answered clearly within 3 s",
          frames + " cases, " + count("bridge") + " without a clear answer", "all", count("bridge") == 0);
      section.figure("admin requests: answered without a 5xx, with an error body", admin + " cases, " + count("admin")
          + " bad answers", "all", count("admin") == 0);
      section.figure("WebSocket frames: node unaffected", sockets + " frames, " + count("ws") + " problems", "all", count("ws") == 0);
      section.figure("mangled config files: refused with `path: problem` messages or accepted, exit 0/2, no stack trace",
          configs + " files, " + count("config") + " bad answers", "all", count("config") == 0);
      section.figure("normal calls during the fuzzing", stats.count(BridgeLoad.Outcome.SUCCESS) + " of " + stats.sent()
          + " answered with success", "all", stats.sent() > 0 && stats.count(BridgeLoad.Outcome.SUCCESS) == stats.sent());
      section.figure("node alive, ERROR lines in its log", node.alive() + ", " + node.errorLines().size(), "true, 0",
          node.alive() && node.errorLines().isEmpty());
      problems.stream().limit(10).forEach(p -> section.note("problem: " + p));
    } finally {
      dependency.close();
    }
  }

  private long count(String kind) {
    return problems.stream().filter(p -> p.startsWith(kind + ":")).count();
  }

  // --- bridge -------------------------------------------------------------------------------------

  private int fuzzBridgeFrames(Workspace workspace, NodeProcess node, int cases) throws Exception {
    NetClient client = workspace.vertx().createNetClient();
    try {
      for (int i = 0; i < cases; i++) {
        Buffer frame;
        boolean expectClose = false;
        boolean expectReply = false;
        boolean silenceOk = false;
        int kind = random.nextInt(5);
        switch (kind) {
          case 0 -> frame = Buffer.buffer().appendInt(random.nextInt(1_200_000, Integer.MAX_VALUE)).appendBytes(bytes(16));
          case 1 -> {
            byte[] junk = bytes(1 + random.nextInt(200));
            frame = Buffer.buffer().appendInt(junk.length).appendBytes(junk);
          }
          case 2 -> {
            JsonObject random = randomFrame();
            frame = BridgeFrames.encode(random);
            silenceOk = silenceIsTheAnswer(random);
          }
          default -> {
            JsonObject send = new JsonObject().put("type", "send").put("address", Addresses.call("orders"))
                .put("replyAddress", "fz" + i).put("body", randomValue(3));
            if (random.nextBoolean()) {
              send.put("headers", randomHeaders());
            }
            frame = BridgeFrames.encode(send);
            expectReply = true;
          }
        }
        if (kind == 0) {
          expectClose = true;
        }
        String outcome = oneFrame(client, node.bridgePort(), frame, expectClose, expectReply, silenceOk);
        if (outcome != null) {
          problems.add("bridge: " + outcome + " for " + describe(frame));
        }
      }
    } finally {
      client.close();
    }
    return cases;
  }

  /** Sends one frame on a fresh connection; null when the answer is clear, else what was wrong. */
  private String oneFrame(NetClient client, int port, Buffer frame, boolean expectClose, boolean expectReply,
      boolean silenceOk) throws Exception {
    NetSocket socket = client.connect(port, "127.0.0.1").await(5, TimeUnit.SECONDS);
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    socket.handler(BridgeFrames.reader(answer::complete));
    socket.closeHandler(v -> closed.complete(null));
    socket.write(frame);
    try {
      JsonObject reply = answer.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      if ("err".equals(reply.getString("type"))) {
        String message = reply.getString("message", "");
        boolean clear = message.length() > 10 && (reply.getInteger("failureCode", 400) < 500
            || message.contains("dependency_failure") || message.contains("timeout"));
        if (!clear) {
          return "unclear error '" + message + "'";
        }
      } else if (!expectReply && !"pong".equals(reply.getString("type")) && !silenceOk) {
        return "answered " + reply.getString("type") + " to a malformed frame";
      }
      if (expectClose) {
        closed.get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      }
      return null;
    } catch (java.util.concurrent.TimeoutException e) {
      return (expectClose && closed.isDone()) || silenceOk ? null : "no answer within " + ANSWER_WITHIN.toSeconds() + " s";
    } finally {
      socket.close();
    }
  }

  /**
   * Frames the bridge rightly answers with silence: a registration to a stream it allows, and a send
   * without a reply address (fire and forget) to a call address.
   */
  private static boolean silenceIsTheAnswer(JsonObject frame) {
    Object type = frame.getValue("type");
    Object address = frame.getValue("address");
    if ("register".equals(type)) {
      return Addresses.EVENTS.equals(address) || Addresses.SNAPSHOTS.equals(address);
    }
    return "send".equals(type) && address instanceof String a && a.startsWith(Addresses.CALL_PREFIX)
        && frame.getValue("replyAddress") == null && (frame.getValue("headers") == null
        || frame.getValue("headers") instanceof JsonObject h && h.stream().allMatch(e -> e.getValue() instanceof String));
  }

  private JsonObject randomFrame() {
    JsonObject frame = new JsonObject();
    String[] types = {"send", "publish", "register", "unregister", "ping", "", "SEND", "x"};
    if (random.nextInt(8) != 0) {
      frame.put("type", random.nextInt(6) == 0 ? randomValue(1) : types[random.nextInt(types.length)]);
    }
    String[] addresses = {Addresses.call("orders"), Addresses.call("nope"), Addresses.ADMIN, Addresses.EVENTS, "", "x.y"};
    if (random.nextInt(5) != 0) {
      frame.put("address", random.nextInt(6) == 0 ? randomValue(1) : addresses[random.nextInt(addresses.length)]);
    }
    if (random.nextBoolean()) {
      frame.put("replyAddress", random.nextInt(4) == 0 ? randomValue(1) : "r" + random.nextInt(1000));
    }
    if (random.nextBoolean()) {
      frame.put("body", randomValue(2));
    }
    if (random.nextInt(3) == 0) {
      frame.put("headers", random.nextBoolean() ? randomValue(1) : randomHeaders());
    }
    return frame;
  }

  // --- admin --------------------------------------------------------------------------------------

  private int fuzzAdmin(NodeProcess node, int cases) throws Exception {
    String[] methods = {"GET", "POST", "PUT", "DELETE", "PATCH"};
    String[] actions = {"force-open", "disable", "close", "reset", "explode", "", "%2e%2e", "fallback-on"};
    for (int i = 0; i < cases; i++) {
      // never a real breaker with the real token: that would be a legitimate admin action, not bad input
      String path = switch (random.nextInt(4)) {
        case 0 -> "/api/breakers/" + segment() + "/" + actions[random.nextInt(actions.length)];
        case 1 -> "/api/breakers/" + segment();
        case 2 -> "/api/" + segment();
        default -> "/api/breakers/orders/" + actions[random.nextInt(actions.length)];
      };
      boolean realBreaker = path.startsWith("/api/breakers/orders/");
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
          .timeout(ANSWER_WITHIN);
      switch (realBreaker ? 1 + random.nextInt(2) : random.nextInt(3)) {
        case 0 -> request.header("Authorization", "Bearer " + NodeProcess.ADMIN_TOKEN);
        case 1 -> request.header("Authorization", "Bearer " + word());
        default -> { }
      }
      String body = random.nextBoolean() ? String.valueOf(randomValue(2)) : word();
      request.method(methods[random.nextInt(methods.length)], HttpRequest.BodyPublishers.ofString(body));
      try {
        HttpResponse<String> response = NodeProcess.send(request.build());
        if (response.statusCode() >= 500) {
          problems.add("admin: " + response.statusCode() + " for " + path);
        } else if (response.statusCode() >= 400 && response.statusCode() != 404 && !response.body().contains("\"error\"")) {
          problems.add("admin: " + response.statusCode() + " without an error body for " + path);
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        problems.add("admin: no answer within " + ANSWER_WITHIN.toSeconds() + " s for " + path + " (" + e.getCause() + ")");
      }
    }
    return cases;
  }

  // --- WebSocket ----------------------------------------------------------------------------------

  private int fuzzWebSocket(Workspace workspace, NodeProcess node, int frames) throws Exception {
    WebSocketClient client = workspace.vertx().createWebSocketClient();
    int sent = 0;
    try {
      while (sent < frames) {
        WebSocket socket = client.connect(node.httpPort(), "127.0.0.1", "/ws").await(5, TimeUnit.SECONDS);
        for (int i = 0; i < 20 && sent < frames && !socket.isClosed(); i++, sent++) {
          if (random.nextBoolean()) {
            socket.writeTextMessage(random.nextBoolean() ? String.valueOf(randomValue(3)) : word()).await(5, TimeUnit.SECONDS);
          } else {
            socket.writeBinaryMessage(Buffer.buffer(bytes(1 + random.nextInt(300)))).await(5, TimeUnit.SECONDS);
          }
        }
        socket.close();
      }
      // the node still serves its page and its API after the frames
      if (node.get("/api/breakers").statusCode() != 200) {
        problems.add("ws: /api/breakers no longer answers 200 after the frames");
      }
    } catch (Exception e) {
      problems.add("ws: " + e);
    } finally {
      client.close();
    }
    return sent;
  }

  // --- configuration files ------------------------------------------------------------------------

  private int fuzzConfigs(Workspace workspace, int files) throws Exception {
    String valid = """
        fusebox:
          node: { name: fuzz }
          http: { port: 18080 }
        circuit_breakers:
          default: { preset: default }
          services:
            orders:
              dependency: { type: http, base_url: "http://127.0.0.1:9000", pool_size: 8 }
              detection: { call_timeout: 2s, failure_rate: { threshold: 0.5 } }
              transitions: { open_timeout: 5s }
        """;
    Path dir = Files.createDirectories(workspace.root().resolve("fuzz-configs"));
    for (int i = 0; i < files; i++) {
      Path file = dir.resolve("config-" + i + ".yaml");
      Files.writeString(file, mangle(valid));
      Process process = new ProcessBuilder(NodeProcess.javaBin(), "-jar", workspace.jar().toAbsolutePath().toString(),
          "validate", "--conf", file.toString()).redirectErrorStream(true).start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        problems.add("config: validate did not end within 60 s for " + file);
        continue;
      }
      String output = new String(process.getInputStream().readAllBytes());
      int exit = process.exitValue();
      if ((exit != 0 && exit != 2) || output.contains("Exception") || output.contains("\tat ")
          || (exit == 2 && !output.contains(": "))) {
        problems.add("config: exit " + exit + " for " + file + ": " + output.lines().findFirst().orElse(""));
      }
    }
    return files;
  }

  /** A few random edits of a valid file: deleted lines, cut lines, swapped characters, odd values. */
  private String mangle(String text) {
    List<String> lines = new ArrayList<>(text.lines().toList());
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(lines.size());
      String line = lines.get(at);
      switch (random.nextInt(5)) {
        case 0 -> lines.remove(at);
        case 1 -> lines.set(at, line.substring(0, random.nextInt(line.length() + 1)));
        case 2 -> lines.set(at, line.replace("2s", random.nextBoolean() ? "-1s" : "forever").replace("0.5", "7"));
        case 3 -> lines.add(at, "  ".repeat(random.nextInt(4)) + word() + ": " + word());
        default -> lines.set(at, line.replace(":", random.nextBoolean() ? "" : "::").replace("{", "["));
      }
    }
    return String.join("\n", lines) + "\n";
  }

  // --- random values ------------------------------------------------------------------------------

  private Object randomValue(int depth) {
    switch (random.nextInt(depth > 0 ? 8 : 5)) {
      case 0:
        return null;
      case 1:
        return random.nextInt();
      case 2:
        return random.nextDouble() * 1e6;
      case 3:
        return random.nextBoolean();
      case 4:
        return word();
      case 5: {
        JsonArray array = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomValue(depth - 1));
        }
        return array;
      }
      default: {
        JsonObject object = new JsonObject();
        String[] keys = {"method", "path", "headers", "query", "body", "sql", "params", "command", "args", word()};
        for (int i = random.nextInt(5); i > 0; i--) {
          object.put(keys[random.nextInt(keys.length)], randomValue(depth - 1));
        }
        return object;
      }
    }
  }

  /** A random word as a path segment, percent-encoded as a client must send it. */
  private String segment() {
    return java.net.URLEncoder.encode(word(), java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonObject randomHeaders() {
    JsonObject headers = new JsonObject();
    String[] names = {"fusebox-timeout-ms", "traceparent", "fusebox-priority", word()};
    for (int i = 1 + random.nextInt(3); i > 0; i--) {
      headers.put(names[random.nextInt(names.length)], random.nextInt(4) == 0 ? randomValue(0) : word());
    }
    return headers;
  }

  private String word() {
    String[] words = {"", "x", "-1", "0", "99999999999999999999", "NaN", "../../etc/passwd", "<script>", "orders",
        "\u00e9\u00e8", "%00", "null", "{", "\"", "1e309", "GET", "a".repeat(2000)};
    return words[random.nextInt(words.length)];
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return b;
  }

  private static String describe(Buffer frame) {
    String text = frame.length() > 4 ? frame.getString(4, Math.min(frame.length(), 604)) : "";
    return frame.length() + " bytes: " + text.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
