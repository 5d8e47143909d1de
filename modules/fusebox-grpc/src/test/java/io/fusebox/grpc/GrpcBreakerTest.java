package io.fusebox.grpc;

import static io.fusebox.testkit.BreakerHarness.await;
import static io.fusebox.testkit.BreakerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.core.BreakerConfigBuilder;
import io.fusebox.protocol.BadRequestException;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.DependencyRejectedException;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.protocol.FuseboxException;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.protocol.GrpcCalls;
import io.fusebox.protocol.Headers;
import io.fusebox.testkit.BreakerHarness;
import io.fusebox.testkit.FaultProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC adapter against a real gRPC server started by the test, behind the fault proxy. */
class GrpcBreakerTest {

  private static final String DESCRIPTOR = Path.of("target", "test-classes", "echo.desc").toAbsolutePath().toString();

  private Vertx vertx;
  private EchoServer server;
  private FaultProxy proxy;
  private FuseboxClient client;
  private BreakerHarness harness;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    server = await(new EchoServer().start(vertx));
    proxy = await(FaultProxy.start(vertx, "127.0.0.1", server.port()));
    client = FuseboxClient.create(vertx);
    harness = new BreakerHarness(vertx);
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  private void deploy(BreakerConfig config, Duration probe) {
    FuseboxConfig.Service service = new FuseboxConfig.Service("edge_agent", "default", config,
        Map.of("type", "grpc", "host", proxy.host(), "port", proxy.port(), "descriptor_set", DESCRIPTOR,
            "service", "fusebox.test.Echo", "max_stream_messages", 5),
        List.of(), probe);
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-grpc", Duration.ofMillis(200),
        NodeServices.metrics(new SimpleMeterRegistry()))));
  }

  private static BreakerConfigBuilder quiet() {
    return BreakerHarness.detectorsOff().callTimeout(Duration.ofSeconds(2)).openTimeout(Duration.ofMillis(500));
  }

  private GrpcCalls edge() {
    return client.grpc("edge_agent");
  }

  private static JsonObject say(String text) {
    return new JsonObject().put("text", text).put("times", 2);
  }

  @Test
  void unaryAndServerStreamingCallsSpeakJson() {
    deploy(quiet().build(), null);
    FuseboxReply reply = await(edge().unary("Say", say("hi")));
    assertThat(reply.body().getJsonObject("message")).isEqualTo(new JsonObject().put("text", "hi")
        .put("parts", new JsonArray().add("hi").add("hi")));
    FuseboxReply stream = await(edge().stream("Count", new JsonObject().put("n", 3)));
    assertThat(stream.body().getJsonArray("messages")).hasSize(3);
    assertThat(stream.body().getJsonArray("messages").getJsonObject(2).getInteger("value")).isEqualTo(3);
    assertThat(stream.body().getBoolean("truncated")).isFalse();
    FuseboxReply capped = await(edge().stream("Count", new JsonObject().put("n", 12)));
    assertThat(capped.body().getJsonArray("messages")).as("max_stream_messages caps what is kept").hasSize(5);
    assertThat(capped.body().getBoolean("truncated")).isTrue();
  }

  @Test
  void theCallersTraceContextReachesTheServer() {
    deploy(quiet().build(), null);
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await(client.call("edge_agent", new JsonObject().put("method", "Say").put("message", say("traced")),
        new DeliveryOptions().addHeader(Headers.TRACEPARENT, traceparent)));
    assertThat(server.lastTraceparent()).isEqualTo(traceparent);
  }

  @Test
  void malformedOperationsAreBadRequests() {
    deploy(quiet().build(), null);
    assertThat(failure(edge().unary("Shout", say("x")))).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("no method Shout in fusebox.test.Echo");
    assertThat(failure(edge().unary("Say", new JsonObject().put("txt", "x")))).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("message does not fit fusebox.test.EchoRequest");
    assertThat(server.calls()).isZero();
  }

  @Test
  void callerStatusesAreIgnoredAndServerStatusesAreFailures() {
    deploy(quiet().consecutiveFailures(2).build(), null);
    for (int i = 0; i < 20; i++) {
      assertThat(failure(edge().unary("Say", say("missing")))).isInstanceOf(DependencyRejectedException.class)
          .hasMessageContaining("NOT_FOUND: no such text");
      assertThat(failure(edge().unary("Say", say("")))).isInstanceOf(DependencyRejectedException.class)
          .hasMessageContaining("INVALID_ARGUMENT");
    }
    BreakerHarness.holdsFor(Duration.ofMillis(300), () -> harness.transitions().isEmpty());
    assertThat(failure(edge().unary("Say", say("crash")))).hasMessageContaining("INTERNAL: boom");
    failure(edge().unary("Say", say("crash")));
    harness.awaitTransition("edge_agent", "open", 1, 5000);
  }

  @Test
  void anOutageOpensTheBreakerAndRecoveryClosesIt() {
    deploy(quiet().consecutiveFailures(3).successThreshold(2).build(), null);
    await(edge().unary("Say", say("warm")));
    proxy.refuse().resetConnections();
    for (int i = 0; i < 3; i++) {
      assertThat(failure(edge().unary("Say", say("x")))).isInstanceOf(FuseboxException.class);
    }
    harness.awaitTransition("edge_agent", "open", 1, 5000);
    long before = server.calls();
    assertThat(failure(edge().unary("Say", say("x")))).isInstanceOf(CircuitOpenException.class);
    assertThat(server.calls()).isEqualTo(before);
    proxy.healthy();
    harness.awaitTransition("edge_agent", "half_open", 1, 5000);
    await(edge().unary("Say", say("back")));
    await(edge().unary("Say", say("back")));
    harness.awaitTransition("edge_agent", "closed", 1, 5000);
  }

  @Test
  void aHangingServerTimesOut() {
    deploy(quiet().consecutiveFailures(2).callTimeout(Duration.ofMillis(500)).build(), null);
    await(edge().unary("Say", say("warm")));
    proxy.hang();
    assertThat(((FuseboxException) failure(edge().unary("Say", say("x")))).code()).isEqualTo(504);
    assertThat(((FuseboxException) failure(edge().unary("Say", say("x")))).code()).isEqualTo(504);
    harness.awaitTransition("edge_agent", "open", 1, 5000);
  }

  @Test
  void activeProbesUseTheHealthServiceWhileCallersAreKeptAway() {
    deploy(quiet().consecutiveFailures(2).successThreshold(2).build(), Duration.ofMillis(200));
    await(edge().unary("Say", say("warm")));
    proxy.refuse().resetConnections();
    failure(edge().unary("Say", say("x")));
    failure(edge().unary("Say", say("x")));
    harness.awaitTransition("edge_agent", "open", 1, 5000);
    long before = server.calls();
    BreakerHarness.holdsFor(Duration.ofSeconds(2),
        () -> failure(edge().unary("Say", say("caller"))) instanceof CircuitOpenException);
    assertThat(harness.state("edge_agent")).isNotEqualTo("closed");
    proxy.healthy();
    harness.awaitTransition("edge_agent", "closed", 1, 10_000);
    assertThat(server.calls()).as("no caller call reached the server while open or half-open").isEqualTo(before);
  }
}
