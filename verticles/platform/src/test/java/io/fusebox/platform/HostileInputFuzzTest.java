package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fusebox.config.ConfigLoader;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.protocol.Addresses;
import io.fusebox.testkit.FreePorts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Seeded, bounded fuzzing of every door a caller can knock on — bridge frames, event-bus bodies and
 * headers, admin requests, WebSocket frames — against a real node in front of a healthy upstream.
 * Throughout, a control caller keeps getting its answers, nothing the fuzzer sends changes a
 * breaker's state or is counted against the dependency, every request gets an answer that is never a
 * 5xx of Fusebox's own, and nothing is logged with a stack trace.
 */
class HostileInputFuzzTest {

  private static final long SEED = Long.getLong("fusebox.fuzz.seed", 20261202L);
  private static final int ROUNDS = Integer.getInteger("fusebox.fuzz.rounds", 400);
  private static final String TOKEN = "fuzz-token";

  private final Random random = new Random(SEED);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final List<JsonObject> transitions = new CopyOnWriteArrayList<>();
  private final List<String> unanswered = new CopyOnWriteArrayList<>();
  private NetClient bridgeClient;
  private WebSocketClient webSockets;
  private Vertx upstreamVertx;
  private FlakyHttpServer upstream;
  private FuseboxNode node;
  private int httpPort;
  private int bridgePort;

  @BeforeEach
  void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = FlakyHttpServer.start(upstreamVertx).await(10, TimeUnit.SECONDS);
    httpPort = FreePorts.next();
    bridgePort = FreePorts.next();
    String yaml = """
        fusebox:
          node: { name: fuzz }
          http: { host: 127.0.0.1, port: %d, admin_token: %s }
          bridge: { enabled: true, host: 127.0.0.1, port: %d }
          snapshot_interval: 200ms
        circuit_breakers:
          default:
            detection:
              consecutive_failures: { threshold: 1 }
              call_timeout: 2s
          services:
            target:
              dependency: { type: http, base_url: "%s", pool_size: 2 }
        """.formatted(httpPort, TOKEN, bridgePort, upstream.baseUrl());
    node = FuseboxNode.start(new ConfigLoader().parse(yaml, false, Map.of()), getClass().getClassLoader())
        .await(30, TimeUnit.SECONDS);
    node.vertx().eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> transitions.add(m.body()));
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    node.stop().await(30, TimeUnit.SECONDS);
    upstreamVertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void noCallerInputHurtsAnyOtherCaller() throws Exception {
    Vertx vertx = node.vertx();
    // the clients are held for the whole test: Vert.x closes a client nobody references when it is
    // garbage collected, connections and all, which would look like the node dropping them.
    // A connection each for admin requests: what one fuzzed request leaves on a connection is the
    // client's business.
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    bridgeClient = vertx.createNetClient();
    webSockets = vertx.createWebSocketClient();
    for (int round = 0; round < ROUNDS; round++) {
      fuzzEventBus(vertx);
      fuzzBridge(vertx);
      fuzzAdmin(http);
      if (round % 10 == 0) {
        fuzzWebSocket(vertx);
      }
      if (round % 5 == 0) {
        controlCallSucceeds(vertx);
      }
    }
    controlCallSucceeds(vertx);
    unanswered.forEach(r -> System.out.println("fuzzed exchange that went wrong for its own caller: " + r));
    assertThat(unanswered).as("fuzzed exchanges that went wrong for their own caller").hasSizeLessThanOrEqualTo(1);
    assertThat(transitions).as("no fuzzed input moved the breaker (it opens on one failure)").isEmpty();
    assertThat(log.list).as("nothing logged with a stack trace, no ERROR")
        .allSatisfy(e -> {
          assertThat(e.getThrowableProxy()).as(e.getFormattedMessage()).isNull();
          assertThat(e.getLevel().isGreaterOrEqual(Level.ERROR)).as(e.getFormattedMessage()).isFalse();
        });
  }

  private void controlCallSucceeds(Vertx vertx) throws Exception {
    JsonObject reply = vertx.eventBus().<JsonObject>request(Addresses.call("target"), new JsonObject().put("path", "/control"))
        .await(10, TimeUnit.SECONDS).body();
    assertThat(reply.getInteger("status")).isEqualTo(200);
  }

  /** Random operations and headers straight on the event bus: each gets one answer, never a 5xx of ours. */
  private void fuzzEventBus(Vertx vertx) throws Exception {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(10_000);
    if (random.nextInt(3) == 0) {
      options.addHeader(random.nextBoolean() ? "fusebox-timeout-ms" : "traceparent", randomText(20));
    }
    Object body = random.nextInt(4) == 0 ? randomJson(3) : randomOperation();
    Throwable failure = vertx.eventBus().request(Addresses.call("target"), body, options)
        .transform(ar -> Future.succeededFuture(ar.cause())).await(15, TimeUnit.SECONDS);
    if (failure != null) {
      assertThat(failure).as("answer to %s", printable(body)).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) failure).failureCode())
          .as("answer to %s: %s", printable(body), printable(failure.getMessage()))
          .isIn(400, 422, 429, 503);
    }
  }

  private JsonObject randomOperation() {
    JsonObject op = new JsonObject().put("path", "/fuzz/" + randomText(12));
    if (random.nextBoolean()) {
      op.put("method", random.nextBoolean() ? "GET" : randomText(5));
    }
    if (random.nextBoolean()) {
      op.put("headers", new JsonObject().put(randomText(6), randomText(10)));
    }
    if (random.nextBoolean()) {
      op.put("query", new JsonObject().put(randomText(4), randomText(8)));
    }
    if (random.nextInt(4) == 0) {
      op.put(randomText(4), randomJson(2));
    }
    return op;
  }

  /** Random frames on a fresh connection: random bytes, random JSON, random bridge frames. */
  private void fuzzBridge(Vertx vertx) throws Exception {
    NetSocket socket = bridgeClient.connect(bridgePort, "127.0.0.1").await(5, TimeUnit.SECONDS);
    socket.handler(data -> { });
    Buffer out = Buffer.buffer();
    for (int i = 0; i < 1 + random.nextInt(3); i++) {
      switch (random.nextInt(4)) {
        case 0 -> {
          byte[] bytes = new byte[random.nextInt(64)];
          random.nextBytes(bytes);
          out.appendBytes(bytes);
        }
        case 1 -> frame(out, Buffer.buffer(randomText(30)));
        case 2 -> frame(out, Buffer.buffer(String.valueOf(randomJson(3))));
        default -> frame(out, new JsonObject().put("type", random.nextBoolean() ? "send" : randomText(6))
            .put("address", random.nextBoolean() ? Addresses.call("target") : randomText(10))
            .put("replyAddress", "fuzz").put("headers", random.nextBoolean() ? randomJson(1) : new JsonObject())
            .put("body", random.nextBoolean() ? randomOperation() : randomJson(2)).toBuffer());
      }
    }
    socket.write(out);
    socket.close();
  }

  private static void frame(Buffer out, Buffer body) {
    out.appendInt(body.length()).appendBuffer(body);
  }

  /** Admin requests with random names, actions, tokens and bodies: none may change anything. */
  private void fuzzAdmin(HttpClient http) throws Exception {
    String name = URLEncoder.encode(random.nextBoolean() ? "target" : randomText(8), StandardCharsets.UTF_8);
    String action = URLEncoder.encode(random.nextBoolean() ? "force-open" : randomText(6), StandardCharsets.UTF_8);
    RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(httpPort)
        .setURI("/api/breakers/" + name + "/" + action);
    if (random.nextBoolean()) {
      request.putHeader("Authorization", "Bearer " + randomText(12).replaceAll("[^ -~]", "x"));
    }
    String body = String.valueOf(randomJson(2));
    Integer status = http.request(request.setIdleTimeout(5000))
        .compose(r -> r.send(Buffer.buffer(body)))
        .compose(r -> r.body().map(b -> r.statusCode()))
        .timeout(10, TimeUnit.SECONDS)
        .otherwise((Integer) null)
        .await(15, TimeUnit.SECONDS);
    if (status == null) {
      // seen rarely in CI and never reproduced alone: this request's own exchange stalled; what
      // matters is that it hurt no one else, so a fresh caller must be answered at once
      unanswered.add("POST " + printable(request.getURI()) + " with " + printable(body));
      int control = http.request(HttpMethod.GET, httpPort, "127.0.0.1", "/api/breakers")
          .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
          .await(10, TimeUnit.SECONDS);
      assertThat(control).as("a control caller after a stalled admin request").isEqualTo(200);
      return;
    }
    assertThat(status).as("POST %s", printable(request.getURI())).isIn(400, 401, 404, 429);
  }

  /** Random WebSocket frames: the feed reads none of them. */
  private void fuzzWebSocket(Vertx vertx) throws Exception {
    ClientWebSocket ws = webSockets.webSocket();
    Throwable refused = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(httpPort).setURI("/ws"))
        .transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    if (refused != null) {
      unanswered.add("WebSocket handshake: " + refused);
      controlFeedOpens(vertx);
      return;
    }
    for (int i = 0; i < 5; i++) {
      if (random.nextBoolean()) {
        ws.writeTextMessage(String.valueOf(randomJson(3)));
      } else {
        byte[] bytes = new byte[random.nextInt(256)];
        random.nextBytes(bytes);
        ws.writeBinaryMessage(Buffer.buffer(bytes));
      }
    }
    ws.close();
  }

  /** After a fuzzed exchange that went wrong, a plain client of the live feed must still get its hello. */
  private void controlFeedOpens(Vertx vertx) throws Exception {
    ClientWebSocket control = webSockets.webSocket();
    CompletableFuture<String> hello = new CompletableFuture<>();
    control.textMessageHandler(text -> hello.complete(new JsonObject(text).getString("type")));
    control.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(httpPort).setURI("/ws"))
        .await(10, TimeUnit.SECONDS);
    assertThat(hello.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    control.close();
  }

  /** The text with every character outside printable ASCII escaped, for assertion messages. */
  private static String printable(Object value) {
    StringBuilder out = new StringBuilder();
    String.valueOf(value).chars().forEach(c -> out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c)
        : String.format("\\u%04x", c)));
    return out.toString();
  }

  /** Text with control characters, CR/LF, spaces, quotes, non-ASCII and emoji among letters. */
  private String randomText(int maxLength) {
    String alphabet = "abcXYZ019 -_/%?#&=:@\"'\\\r\n\t\u0000\u007f\u00e9\u20ac\ud83d\ude00{}[]<>";
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  private Object randomJson(int depth) {
    int kind = random.nextInt(depth <= 0 ? 4 : 6);
    return switch (kind) {
      case 0 -> randomText(10);
      case 1 -> random.nextInt();
      case 2 -> random.nextBoolean();
      case 3 -> random.nextDouble();
      case 4 -> {
        JsonObject o = new JsonObject();
        for (int i = random.nextInt(4); i > 0; i--) {
          o.put(randomText(5), randomJson(depth - 1));
        }
        yield o;
      }
      default -> {
        JsonArray a = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          a.add(randomJson(depth - 1));
        }
        yield a;
      }
    };
  }
}
