package io.fusebox.testkit;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each fault of the proxy, in front of a real TCP echo server. */
class FaultProxyTest {

  private final Vertx vertx = Vertx.vertx();
  private final NetServer echo = await(vertx.createNetServer().connectHandler(s -> s.handler(s::write)).listen(0, "127.0.0.1"));
  private final FaultProxy proxy = await(FaultProxy.start(vertx, "127.0.0.1", echo.actualPort()));
  private final NetClient client = vertx.createNetClient();

  /** A connection whose data and close are recorded from the first moment, so no event is missed. */
  private record Connection(NetSocket socket, LinkedBlockingQueue<String> received, CompletableFuture<Void> closed) {
    String send(String text, long timeoutMillis) throws InterruptedException {
      socket.write(Buffer.buffer(text));
      return received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }
  }

  private Connection connect() {
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    NetSocket socket = await(client.connect(proxy.port(), "127.0.0.1").map(s -> {
      s.handler(b -> received.add(b.toString()));
      s.closeHandler(v -> closed.complete(null));
      return s;
    }));
    return new Connection(socket, received, closed);
  }

  @AfterEach
  void close() {
    await(vertx.close());
  }

  @Test
  void healthyLatencyHangAndBackToHealthy() throws Exception {
    Connection c = connect();
    assertThat(c.send("ping", 2000)).isEqualTo("ping");
    proxy.latency(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(c.send("slow", 3000)).isEqualTo("slow");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("300 ms each way").isGreaterThanOrEqualTo(Duration.ofMillis(550));
    proxy.healthy().hang();
    assertThat(c.send("held", 500)).isNull();
    proxy.healthy();
    assertThat(c.received().poll(3, TimeUnit.SECONDS)).as("what the hang held flows on").isEqualTo("held");
  }

  @Test
  void aPartitionStallsOpenConnectionsAndKeepsNewOnesFromTheServer() throws Exception {
    Connection before = connect();
    assertThat(before.send("ping", 2000)).isEqualTo("ping");
    int serverSide = proxy.serverConnections();
    proxy.partition();
    Connection during = connect();
    assertThat(during.send("lost", 500)).as("nothing answers in a partition").isNull();
    assertThat(proxy.serverConnections()).as("the server never saw the new connection").isEqualTo(serverSide);
    proxy.healthy();
    during.closed().get(2, TimeUnit.SECONDS);
    assertThat(before.send("again", 2000)).as("an open connection flows on after the heal").isNotNull();
  }

  @Test
  void resetRefuseAndDropAfterBytes() throws Exception {
    Connection open = connect();
    assertThat(open.send("a", 2000)).isEqualTo("a");
    proxy.resetConnections();
    open.closed().get(2, TimeUnit.SECONDS);

    proxy.refuse();
    connect().closed().get(2, TimeUnit.SECONDS);

    proxy.healthy().dropAfter(6);
    Connection dropped = connect();
    assertThat(dropped.send("abc", 2000)).isEqualTo("abc");
    dropped.socket().write(Buffer.buffer("defg"));
    dropped.closed().get(2, TimeUnit.SECONDS);
    assertThat(proxy.connectionsAccepted()).isEqualTo(3);
  }
}
