package io.fusebox.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.BadRequestException;
import io.fusebox.protocol.FuseboxError;
import io.fusebox.protocol.FuseboxException;
import io.fusebox.protocol.FuseboxReply;
import io.fusebox.protocol.Headers;
import io.fusebox.protocol.NoSuchBreakerException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a 400 that names what is wrong, changes nothing, and breaks nothing; an unknown
 * breaker, an undeploy and an adapter that throws each get their one reply too.
 */
class BreakerVerticleInputTest extends BreakerTestSupport {

  @Test
  void malformedOperationsAreRefusedWithAClearReason() {
    deploy("catalog", quiet().consecutiveFailures(1).build());
    List<Object[]> cases = List.of(
        new Object[] {"just a string", "the operation must be a JSON object (got String)"},
        new Object[] {new JsonArray().add(1), "the operation must be a JSON object (got JsonArray)"},
        new Object[] {new JsonObject().put("method", "GET"), "path must be a string starting with / (got null)"},
        new Object[] {new JsonObject().put("path", 42), "path must be a string starting with / (got 42)"},
        new Object[] {new JsonObject().put("method", "BREW").put("path", "/"), "method must be one of DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT (got BREW)"},
        new Object[] {new JsonObject().put("path", "/").put("verb", "GET"), "unknown key 'verb' (expected method, path, headers, query, body)"},
        new Object[] {new JsonObject().put("path", "/").put("headers", "x"), "headers must be an object of names to values"},
        new Object[] {new JsonObject().put("path", "/").put("query", new JsonObject().put("q", new JsonArray())), "query.q must be a string, number or boolean"},
        new Object[] {new JsonObject().put("path", "/").put("body", "x".repeat(2 * 1024 * 1024)), "body is larger than 1048576 bytes"});
    for (Object[] c : cases) {
      Throwable t = failure(vertx.eventBus().request(Addresses.call("catalog"), c[0]));
      assertThat(t).isInstanceOf(ReplyException.class);
      ReplyException re = (ReplyException) t;
      assertThat(re.failureCode()).isEqualTo(400);
      FuseboxError error = FuseboxError.parse(re.failureCode(), re.getMessage());
      assertThat(error.detail()).as("reply to %s", c[0].toString().length() > 60 ? "a huge body" : c[0]).isEqualTo(c[1]);
      assertThat(error.breaker()).isEqualTo("catalog");
    }
    assertThat(upstream.requests()).isZero();
    JsonObject snapshot = latestSnapshot("catalog");
    assertThat(snapshot.getString("state")).isEqualTo("closed");
    assertThat(snapshot.getJsonObject("calls").stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum())
        .as("bad requests are no calls").isZero();
    assertThat(get("catalog", "/still-fine").body().getInteger("status")).isEqualTo(200);
  }

  @Test
  void requestsThatCannotBeSentAreRefusedAtOnceAndHoldNoConnection() {
    deploy("pool", quiet().consecutiveFailures(1).build(), upstream.baseUrl(), List.of(), 2);
    List<Object[]> cases = List.of(
        new Object[] {new JsonObject().put("path", "/x y"), "path has the character U+0020 at index 2; encode it as %XX"},
        new Object[] {new JsonObject().put("path", "/a\r\nHost: evil"), "path has the character U+000D at index 2; encode it as %XX"},
        new Object[] {new JsonObject().put("path", "/%zz"), "path has a '%' that is not followed by two hex digits at index 1"},
        new Object[] {new JsonObject().put("path", "/").put("headers", new JsonObject().put("x-a", "1\r\nx-b: 2")),
            "header 'x-a' has the character U+000D in its value"},
        new Object[] {new JsonObject().put("path", "/").put("headers", new JsonObject().put("bad name", "1")),
            "header name 'bad name' has the character U+0020; names are RFC 9110 tokens"},
        new Object[] {new JsonObject().put("path", "/").put("headers", new JsonObject().put("Content-Length", "99")),
            "header 'Content-Length' frames the request on the wire and is set by Fusebox, not by a caller"},
        new Object[] {new JsonObject().put("path", "/").put("query", new JsonObject().put("q", "a\nb")),
            "query 'q' has the character U+000A"});
    for (int round = 0; round < 3; round++) {
      for (Object[] c : cases) {
        long start = System.nanoTime();
        Throwable t = failure(vertx.eventBus().request(Addresses.call("pool"), c[0]));
        assertThat((System.nanoTime() - start) / 1_000_000).as("answered at once, not at the deadline").isLessThan(1000);
        ReplyException re = (ReplyException) t;
        assertThat(re.failureCode()).isEqualTo(400);
        assertThat(FuseboxError.parse(re.failureCode(), re.getMessage()).detail()).isEqualTo(c[1]);
      }
    }
    assertThat(upstream.requests()).isZero();
    JsonObject snapshot = latestSnapshot("pool");
    assertThat(snapshot.getString("state")).isEqualTo("closed");
    assertThat(snapshot.getJsonObject("calls").getLong("failure") + snapshot.getJsonObject("calls").getLong("timeout"))
        .isZero();
    for (int i = 0; i < 4; i++) {
      assertThat(get("pool", "/after").body().getInteger("status")).as("both pooled connections are free").isEqualTo(200);
    }
  }

  @Test
  void aMalformedTraceparentIsIgnoredNotPassedOn() {
    deploy("traced", quiet().consecutiveFailures(1).build());
    for (String bad : new String[] {"1\r\nx-evil: 1", "00-zz-00", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
      FuseboxReply reply = await(client.call("traced", new JsonObject().put("path", "/t"),
          new DeliveryOptions().addHeader(Headers.TRACEPARENT, bad)));
      assertThat(reply.body().getInteger("status")).isEqualTo(200);
      assertThat(upstream.lastTraceparent()).isNull();
    }
    String good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await(client.call("traced", new JsonObject().put("path", "/t"), new DeliveryOptions().addHeader(Headers.TRACEPARENT, good)));
    assertThat(upstream.lastTraceparent()).isEqualTo(good);
  }

  @Test
  void garbageTimeoutHeadersAreRefused() {
    deploy("catalog", quiet().build());
    for (String header : new String[] {"soon", "-5", "0", "1e3", ""}) {
      Throwable t = failure(client.call("catalog", new JsonObject().put("path", "/"),
          new DeliveryOptions().addHeader(Headers.TIMEOUT_MS, header)));
      assertThat(t).isInstanceOf(BadRequestException.class)
          .hasMessageContaining("fusebox-timeout-ms must be a positive whole number of milliseconds (got '" + header + "')");
    }
    assertThat(upstream.requests()).isZero();
  }

  @Test
  void anUnknownBreakerIsReportedAsSuch() {
    Throwable t = failure(client.http("nobody").get("/"));
    assertThat(t).isInstanceOf(NoSuchBreakerException.class).hasMessageContaining("no breaker 'nobody' is deployed");
  }

  @Test
  void undeployingAnswersEveryCallInFlight() {
    String id = deploy("slow", quiet().callTimeout(Duration.ofSeconds(10)).build());
    upstream.hang();
    var inFlight = client.http("slow").get("/wait");
    Awaitility.await("the call reaching the upstream").until(() -> upstream.requests() == 1);
    await(vertx.undeploy(id));
    Throwable t = failure(inFlight);
    assertThat(t).isInstanceOf(FuseboxException.class);
    assertThat(((FuseboxException) t).code()).isEqualTo(503);
    assertThat(((FuseboxException) t).error().code().error()).isEqualTo("shutting_down");
  }

  @Test
  void anAdapterThatThrowsIsABugAnsweredWith500AndNotCounted() {
    DependencyAdapter broken = new DependencyAdapter() {
      @Override
      public String invalid(JsonObject operation) {
        return null;
      }

      @Override
      public Future<CallResult> call(JsonObject operation, long timeoutMillis, String traceparent) {
        throw new IllegalStateException("adapter bug");
      }

      @Override
      public Future<Void> probe(long timeoutMillis) {
        return Future.succeededFuture();
      }
    };
    await(vertx.deployVerticle(new BreakerVerticle("buggy", quiet().consecutiveFailures(3).build(), "test", broken,
        "node-test", SNAPSHOT_INTERVAL, services())));
    for (int i = 0; i < 5; i++) {
      Throwable t = failure(client.call("buggy", new JsonObject()));
      assertThat(t).isInstanceOf(FuseboxException.class).hasMessageContaining("adapter bug");
      assertThat(((FuseboxException) t).code()).isEqualTo(500);
      assertThat(((FuseboxException) t).error().code().error()).isEqualTo("internal");
    }
    JsonObject snapshot = latestSnapshot("buggy");
    assertThat(snapshot.getString("state")).as("a Fusebox bug is no verdict on the dependency").isEqualTo("closed");
    assertThat(snapshot.getJsonObject("calls").getLong("failure")).isZero();
  }
}
