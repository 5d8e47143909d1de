package io.fusebox.platform.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The bridge against every malformed frame a hostile or broken client sends: an {@code err} frame
 * that says what is wrong, the connection closed only where framing is lost, limits on size, idle
 * time and connections, and never a stack trace in the log.
 */
class BridgeVerticleTest {

  private static final int MAX_FRAME = 64 * 1024;

  private Vertx vertx;
  private int port;
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<Object>consumer(Addresses.call("echo"), m -> m.reply(new JsonObject().put("echo", m.body())));
    vertx.eventBus().<Object>consumer(Addresses.ADMIN, m -> m.reply(new JsonObject().put("reached", "admin")));
    port = deployBridge(Duration.ofSeconds(30));
    log.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(log);
  }

  @AfterEach
  void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(log);
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private int deployBridge(Duration idleTimeout) throws Exception {
    BridgeVerticle bridge = new BridgeVerticle(new FuseboxConfig.Bridge(true, "127.0.0.1", 0, MAX_FRAME, idleTimeout, 5));
    vertx.deployVerticle(bridge).await(5, TimeUnit.SECONDS);
    return bridge.actualPort();
  }

  private BridgeClient client() throws Exception {
    return BridgeClient.connect(vertx, port);
  }

  @Test
  void aRequestGetsItsReplyAndPingGetsPong() throws Exception {
    try (BridgeClient c = client()) {
      JsonObject reply = c.request(Addresses.call("echo"), new JsonObject().put("path", "/"), 1);
      assertThat(reply.getString("type")).isEqualTo("message");
      assertThat(reply.getString("address")).isEqualTo("r1");
      assertThat(reply.getJsonObject("body")).isEqualTo(new JsonObject().put("echo", new JsonObject().put("path", "/")));
      c.frame(new JsonObject().put("type", "ping"));
      assertThat(c.awaitFrame(2).getString("type")).isEqualTo("pong");
    }
  }

  @Test
  void aFrameThatParsesButIsWrongGetsAnErrAndTheConnectionGoesOn() throws Exception {
    StringBuilder deep = new StringBuilder();
    deep.append("[".repeat(1500)).append("]".repeat(1500));
    List<Object[]> cases = List.of(
        new Object[] {Buffer.buffer("hello"), "the frame is not JSON"},
        new Object[] {Buffer.buffer("[1,2]"), "the frame must be a JSON object (got an array)"},
        new Object[] {Buffer.buffer("{}"), "unknown_type: the frame needs a string 'type'"},
        new Object[] {new JsonObject().put("type", 7).toBuffer(), "unknown_type: the frame needs a string 'type'"},
        new Object[] {new JsonObject().put("type", "boom").toBuffer(), "unknown_type: 'boom'"},
        new Object[] {new JsonObject().put("type", "send").put("address", Addresses.call("echo")).put("replyAddress", "r")
            .put("headers", "x").toBuffer(), "headers must be an object of names to strings (got 'x')"},
        new Object[] {new JsonObject().put("type", "send").put("address", Addresses.call("echo")).put("replyAddress", "r")
            .put("headers", new JsonObject().put("h", new JsonArray())).toBuffer(), "header 'h' must be a string"},
        new Object[] {new JsonObject().put("type", "send").put("address", Addresses.ADMIN).put("replyAddress", "r")
            .put("body", new JsonObject().put("action", "force_open")).toBuffer(), "access_denied: send may only go to fusebox.call.<breaker>"},
        new Object[] {new JsonObject().put("type", "send").put("replyAddress", "r").toBuffer(), "address_required: send needs a string 'address'"},
        new Object[] {new JsonObject().put("type", "publish").put("address", Addresses.call("echo")).toBuffer(),
            "access_denied: publish is not allowed"},
        new Object[] {new JsonObject().put("type", "register").put("address", Addresses.ADMIN).toBuffer(),
            "access_denied: register may only listen to fusebox.events, fusebox.snapshots or fusebox.config"},
        new Object[] {new JsonObject().put("type", "unregister").put("address", Addresses.EVENTS).toBuffer(),
            "unknown_address: unregister of an address this connection does not listen to"},
        new Object[] {Buffer.buffer(deep.toString()), "the frame is not JSON"},
        new Object[] {Buffer.buffer(), "an empty frame"});
    try (BridgeClient c = client()) {
      int n = 0;
      for (Object[] bad : cases) {
        c.frame((Buffer) bad[0]);
        JsonObject err = c.awaitFrame(++n);
        assertThat(err.getString("type")).as("answer to %s", bad[1]).isEqualTo("err");
        assertThat(err.getString("message")).startsWith((String) bad[1]);
      }
      JsonObject reply = c.request(Addresses.call("echo"), "still here", ++n);
      assertThat(reply.getJsonObject("body").getString("echo")).as("the connection still works").isEqualTo("still here");
      assertThat(c.isClosed()).isFalse();
    }
    assertThat(log.list).as("one WARN for the connection's first mistake, no stack trace")
        .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).hasSize(1)
        .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
  }

  @Test
  void aFrameOverTheLimitIsRefusedBeforeItIsBufferedAndTheConnectionClosed() throws Exception {
    for (int length : new int[] {MAX_FRAME + 1, 20 * 1024 * 1024, 0x80000000, -1}) {
      try (BridgeClient c = client()) {
        c.raw(Buffer.buffer().appendInt(length).appendBytes(new byte[] {'{', '"'}));
        JsonObject err = c.awaitFrame(1);
        assertThat(err.getString("type")).isEqualTo("err");
        assertThat(err.getString("message")).contains("over the limit of " + MAX_FRAME + " bytes");
        c.awaitClosed(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void idleAndHalfSentConnectionsAreClosed() throws Exception {
    int impatient = deployBridge(Duration.ofSeconds(1));
    try (BridgeClient idle = BridgeClient.connect(vertx, impatient); BridgeClient halfSent = BridgeClient.connect(vertx, impatient)) {
      halfSent.raw(Buffer.buffer().appendInt(100).appendString("{\"type\":"));
      idle.awaitClosed(Duration.ofSeconds(5));
      halfSent.awaitClosed(Duration.ofSeconds(5));
    }
  }

  @Test
  void connectionsBeyondTheLimitAreToldAndClosedWhileTheOthersGoOn() throws Exception {
    List<BridgeClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        BridgeClient c = client();
        open.add(c);
        c.frame(new JsonObject().put("type", "ping"));
        c.awaitFrame(1);
      }
      try (BridgeClient extra = client()) {
        assertThat(extra.awaitFrame(1).getString("message")).isEqualTo("too many connections: the bridge takes 5 at once");
        extra.awaitClosed(Duration.ofSeconds(5));
      }
      assertThat(open.get(0).request(Addresses.call("echo"), 1, 2).getString("type")).isEqualTo("message");
    } finally {
      open.forEach(BridgeClient::close);
    }
  }

  @Test
  void eventsAndSnapshotsCanBeStreamedAndNothingElse() throws Exception {
    try (BridgeClient c = client()) {
      c.frame(new JsonObject().put("type", "register").put("address", Addresses.EVENTS));
      c.frame(new JsonObject().put("type", "ping"));
      c.awaitFrame(1);
      vertx.eventBus().publish(Addresses.EVENTS, new JsonObject().put("type", "transition"));
      JsonObject event = c.awaitFrame(2);
      assertThat(event.getString("address")).isEqualTo(Addresses.EVENTS);
      assertThat(event.getJsonObject("body").getString("type")).isEqualTo("transition");
    }
  }
}
