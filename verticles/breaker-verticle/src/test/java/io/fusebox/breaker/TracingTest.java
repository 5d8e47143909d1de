package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.store.MemoryStateStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryOptions;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** One call, traced from the caller through the breaker to the HTTP upstream, in one trace. */
class TracingTest extends BreakerTestSupport {

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();

  @Override
  Vertx newVertx() {
    return Vertx.builder()
        .with(new VertxOptions().setTracingOptions(new OpenTelemetryOptions()))
        .withTracer(new OpenTelemetryTracingFactory(openTelemetry))
        .build();
  }

  @Override
  NodeServices services() {
    return new NodeServices(registry, openTelemetry, false, new MemoryStateStore());
  }

  @Test
  void oneTraceShowsCallerBreakerAndDependency() {
    deploy("traced", quiet().build());
    Tracer tracer = openTelemetry.getTracer("test-caller");
    Promise<Integer> status = Promise.promise();
    vertx.runOnContext(v -> {
      Span caller = tracer.spanBuilder("caller").startSpan();
      try (Scope scope = caller.makeCurrent()) {
        client.http("traced").get("/traced").onComplete(ar -> {
          caller.end();
          if (ar.succeeded()) {
            status.complete(ar.result().body().getInteger("status"));
          } else {
            status.fail(ar.cause());
          }
        });
      }
    });
    assertThat(await(status.future())).isEqualTo(200);
    // spans end just after the reply they belong to
    Awaitility.await().until(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("caller"))
        && spans.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("fusebox traced")));

    List<SpanData> finished = spans.getFinishedSpanItems();
    SpanData caller = finished.stream().filter(s -> s.getName().equals("caller")).findFirst().orElseThrow();
    SpanData breaker = finished.stream().filter(s -> s.getName().equals("fusebox traced")).findFirst()
        .orElseThrow(() -> new AssertionError("no breaker span in " + names(finished)));
    SpanData http = finished.stream().filter(s -> s.getKind() == SpanKind.CLIENT
        && s.getAttributes().asMap().keySet().stream().anyMatch(k -> k.getKey().startsWith("http")))
        .findFirst().orElseThrow(() -> new AssertionError("no HTTP client span in " + names(finished)));
    String trace = caller.getTraceId();
    assertThat(breaker.getTraceId()).isEqualTo(trace);
    assertThat(http.getTraceId()).isEqualTo(trace);
    assertThat(breaker.getAttributes().get(AttributeKey.stringKey("fusebox.breaker"))).isEqualTo("traced");
    assertThat(breaker.getAttributes().get(AttributeKey.stringKey("fusebox.state"))).isEqualTo("closed");
    assertThat(breaker.getAttributes().get(AttributeKey.stringKey("fusebox.outcome"))).isEqualTo("success");
    assertThat(breaker.getAttributes().get(AttributeKey.stringKey("fusebox.fallback"))).isEqualTo("none");
    assertThat(upstream.lastTraceparent()).as("the upstream got the W3C trace context, once").contains(trace)
        .doesNotContain(",");
  }

  @Test
  void aFallbackAnswerIsOnTheSpan() {
    deploy("covered", quiet().consecutiveFailures(1).build(), upstream.baseUrl(),
        List.of(Map.of("type", "static", "value", Map.of())));
    upstream.failAll();
    assertThat(get("covered", "/c").fromFallback()).isTrue();
    Awaitility.await().until(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getName().equals("fusebox covered")));
    SpanData breaker = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("fusebox covered"))
        .findFirst().orElseThrow();
    assertThat(breaker.getAttributes().get(AttributeKey.stringKey("fusebox.outcome"))).isEqualTo("fallback");
    assertThat(breaker.getAttributes().get(AttributeKey.stringKey("fusebox.fallback"))).isEqualTo("static");
    assertThat(breaker.getAttributes().get(AttributeKey.stringKey("fusebox.state"))).isEqualTo("open");
  }

  private static String names(List<SpanData> spans) {
    return spans.stream().map(s -> s.getName() + "/" + s.getKind()).collect(Collectors.joining(", "));
  }
}
