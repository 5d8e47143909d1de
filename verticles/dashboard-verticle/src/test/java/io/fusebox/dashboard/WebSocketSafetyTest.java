package io.fusebox.dashboard;

import static io.fusebox.dashboard.TestNode.await;
import static io.fusebox.dashboard.TestNode.quiet;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.BreakerHarness;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Whatever a WebSocket client sends reaches no event-bus address and disturbs no other client. */
class WebSocketSafetyTest {

  @Test
  void nothingABrowserSendsReachesTheEventBus() {
    try (TestNode node = new TestNode("s3cret").breaker("alpha", quiet().build()).dashboard(0)) {
      AtomicInteger sentToBreakersOrAdmin = new AtomicInteger();
      node.vertx.eventBus().addOutboundInterceptor(ctx -> {
        String address = ctx.message().address();
        if (address.startsWith("fusebox.call.") || address.startsWith("fusebox.admin")) {
          sentToBreakersOrAdmin.incrementAndGet();
        }
        ctx.next();
      });
      WebSocketClient client = node.vertx.createWebSocketClient();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI("/ws");

      // handlers are set before connecting, so that not even the hello is missed
      List<JsonObject> bystander = new CopyOnWriteArrayList<>();
      ClientWebSocket watcher = client.webSocket();
      watcher.textMessageHandler(text -> bystander.add(new JsonObject(text)));
      await(watcher.connect(options));

      List<String> attackerGot = new CopyOnWriteArrayList<>();
      ClientWebSocket attacker = client.webSocket();
      attacker.textMessageHandler(attackerGot::add);
      await(attacker.connect(options));
      attacker.writeTextMessage("garbage {{{");
      attacker.writeBinaryMessage(Buffer.buffer(new byte[] {0, 1, 2, 3}));
      attacker.writeTextMessage(new JsonObject().put("type", "send").put("address", "fusebox.admin")
          .put("body", new JsonObject().put("action", "force_open").put("breaker", "alpha")).encode());
      attacker.writeTextMessage(new JsonObject().put("type", "publish").put("address", "fusebox.call.alpha")
          .put("body", new JsonObject().put("path", "/")).encode());
      attacker.writeTextMessage(new JsonObject().put("type", "register").put("address", "fusebox.admin").encode());
      BreakerHarness.holdsFor(Duration.ofMillis(500), () -> sentToBreakersOrAdmin.get() == 0);
      attacker.writeTextMessage("x".repeat(1024 * 1024));
      Awaitility.await("the oversized frame closing the attacker's connection").until(attacker::isClosed);

      assertThat(sentToBreakersOrAdmin.get()).as("messages to breakers or the admin handler").isZero();
      assertThat(attacker.isClosed()).as("the oversized frame closed the attacker's connection").isTrue();
      int before = bystander.size();
      Awaitility.await("more snapshots for the other client").until(() -> bystander.size() > before);
      assertThat(bystander.get(0).getString("type")).isEqualTo("hello");
      assertThat(bystander.get(0).getLong("stale_after_ms")).as("four snapshot intervals, served to the page")
          .isEqualTo(4 * TestNode.SNAPSHOT_INTERVAL.toMillis());
      assertThat(bystander.size()).as("the other client still receives snapshots").isGreaterThan(before);
      assertThat(bystander.get(bystander.size() - 1).getString("state")).isEqualTo("closed");
      assertThat(attackerGot).as("the attacker only ever got the read-only feed")
          .allSatisfy(text -> assertThat(new JsonObject(text).getString("type")).isIn("hello", "snapshot", "transition"));
    }
  }

  @Test
  void aHandshakeFromAnotherOriginIsRefusedWith403() {
    try (TestNode node = new TestNode("").breaker("alpha", quiet().build()).dashboard(0)) {
      WebSocketClient client = node.vertx.createWebSocketClient();
      WebSocketConnectOptions evil = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI("/ws")
          .addHeader("Origin", "http://evil.example");
      Throwable refused = client.connect(evil).transform(ar -> Future.succeededFuture(ar.cause())).await();
      assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(403);
      WebSocketConnectOptions own = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port()).setURI("/ws")
          .addHeader("Origin", "http://127.0.0.1:" + node.port());
      assertThat(await(client.connect(own)).isClosed()).as("the page's own origin is welcome").isFalse();
    }
  }
}
