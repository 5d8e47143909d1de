package io.fusebox.grpc;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.breaker.BreakerVerticle;
import io.fusebox.breaker.NodeServices;
import io.fusebox.config.FuseboxConfig;
import io.fusebox.core.BreakerConfig;
import io.fusebox.protocol.FuseboxClient;
import io.fusebox.store.MemoryStateStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With tracing on, the caller's trace goes through the breaker on to the gRPC server. */
class GrpcTracingTest {

  private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setTracingOptions(new OpenTelemetryOptions()))
      .withTracer(new OpenTelemetryTracingFactory(openTelemetry))
      .build();

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void theCallersTraceReachesTheGrpcServer() {
    EchoServer server = await(new EchoServer().start(vertx));
    FuseboxConfig.Service service = new FuseboxConfig.Service("edge_agent", "default", BreakerConfig.builder().build(),
        Map.of("type", "grpc", "host", "127.0.0.1", "port", server.port(),
            "descriptor_set", Path.of("target", "test-classes", "echo.desc").toAbsolutePath().toString(),
            "service", "fusebox.test.Echo"),
        List.of(), null);
    await(vertx.deployVerticle(new BreakerVerticle(service, "node-grpc", Duration.ofSeconds(1),
        new NodeServices(new SimpleMeterRegistry(), openTelemetry, false, new MemoryStateStore()))));
    FuseboxClient client = FuseboxClient.create(vertx);

    Promise<String> traceId = Promise.promise();
    vertx.runOnContext(v -> {
      Span caller = openTelemetry.getTracer("test-caller").spanBuilder("caller").startSpan();
      try (Scope scope = caller.makeCurrent()) {
        client.grpc("edge_agent").unary("Say", new JsonObject().put("text", "traced")).onComplete(ar -> {
          caller.end();
          if (ar.succeeded()) {
            traceId.complete(caller.getSpanContext().getTraceId());
          } else {
            traceId.fail(ar.cause());
          }
        });
      }
    });
    String trace = await(traceId.future());
    assertThat(server.lastTraceparent()).as("the W3C trace context at the gRPC server").contains(trace);
  }
}
