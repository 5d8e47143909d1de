package io.fusebox.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.DependencyTimeoutException;
import io.fusebox.adapter.Outcome;
import io.fusebox.demo.FlakyHttpServer;
import io.fusebox.testkit.FaultProxy;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP adapter against a real server: requests as written, outcomes as configured. */
class HttpAdapterTest {

  private Vertx vertx;
  private FlakyHttpServer upstream;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = FlakyHttpServer.start(vertx).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private DependencyAdapter adapter(JsonObject dependency) {
    return new HttpAdapterFactory().create(vertx, dependency.put("type", "http"));
  }

  private DependencyAdapter adapter() {
    return adapter(new JsonObject().put("base_url", upstream.baseUrl()));
  }

  private static CallResult await(Future<CallResult> f) throws Exception {
    return f.await(10, TimeUnit.SECONDS);
  }

  @Test
  void sendsMethodPathQueryAndBodyAndDecodesAJsonReply() throws Exception {
    CallResult r = await(adapter().call(new JsonObject().put("method", "POST").put("path", "/orders")
        .put("query", new JsonObject().put("page", 2)).put("body", new JsonObject().put("sku", "A-1")), 2000, null));
    assertThat(r.outcome()).isEqualTo(Outcome.SUCCESS);
    JsonObject reply = r.reply();
    assertThat(reply.getInteger("status")).isEqualTo(200);
    assertThat(reply.getJsonObject("headers").getString("content-type")).isEqualTo("application/json");
    JsonObject body = reply.getJsonObject("body");
    assertThat(body.getString("method")).isEqualTo("POST");
    assertThat(body.getString("path")).isEqualTo("/orders");
    assertThat(body.getString("query")).isEqualTo("page=2");
    assertThat(new JsonObject(body.getString("echo"))).isEqualTo(new JsonObject().put("sku", "A-1"));
  }

  @Test
  void aBaseUrlPathPrefixesEveryPath() throws Exception {
    CallResult r = await(adapter(new JsonObject().put("base_url", upstream.baseUrl() + "/api/v1/"))
        .call(new JsonObject().put("path", "/items"), 2000, null));
    assertThat(r.reply().getJsonObject("body").getString("path")).isEqualTo("/api/v1/items");
  }

  @Test
  void serverErrorsAreFailuresAndClientErrorsAreAnsweredButIgnored() throws Exception {
    DependencyAdapter http = adapter();
    CallResult unavailable = await(http.call(new JsonObject().put("path", "/status/503"), 2000, null));
    assertThat(unavailable.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(unavailable.detail()).isEqualTo("HTTP 503");
    CallResult notFound = await(http.call(new JsonObject().put("path", "/status/404"), 2000, null));
    assertThat(notFound.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(notFound.reply().getInteger("status")).isEqualTo(404);
    CallResult redirect = await(http.call(new JsonObject().put("path", "/status/304"), 2000, null));
    assertThat(redirect.outcome()).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void failureStatusesAreConfigurable() throws Exception {
    DependencyAdapter http = adapter(new JsonObject().put("base_url", upstream.baseUrl())
        .put("failure_statuses", new JsonArray().add(429).add("5xx")).put("ignored_statuses", new JsonArray()));
    assertThat(await(http.call(new JsonObject().put("path", "/status/429"), 2000, null)).outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(await(http.call(new JsonObject().put("path", "/status/404"), 2000, null)).outcome()).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void theTraceContextTravelsToTheUpstream() throws Exception {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await(adapter().call(new JsonObject().put("path", "/traced"), 2000, traceparent));
    assertThat(upstream.lastTraceparent()).isEqualTo(traceparent);
  }

  @Test
  void noAnswerWithinTheDeadlineIsATimeout() {
    upstream.latency(Duration.ofSeconds(2));
    Future<CallResult> call = adapter().call(new JsonObject().put("path", "/slow"), 200, null);
    Throwable t = call.transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(t).isInstanceOf(DependencyTimeoutException.class).hasMessage("no HTTP response within 200 ms");
  }

  @Test
  void aClosedPortFailsTheCallWithoutTimingOut() throws Exception {
    String url = upstream.baseUrl();
    upstream.close().await(5, TimeUnit.SECONDS);
    Future<CallResult> call = adapter(new JsonObject().put("base_url", url)).call(new JsonObject().put("path", "/"), 5000, null);
    Throwable t = call.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    assertThat(t).isNotNull().isNotInstanceOf(DependencyTimeoutException.class);
  }

  @Test
  void thePoolSizeCapsConnectionsAndACallThatTimedOutGivesItsConnectionBack() throws Exception {
    FaultProxy proxy = FaultProxy.start(vertx, "127.0.0.1", upstream.port()).await(10, TimeUnit.SECONDS);
    DependencyAdapter http = adapter(new JsonObject().put("base_url", "http://127.0.0.1:" + proxy.port()).put("pool_size", 2));
    upstream.hang();
    List<Future<CallResult>> calls = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      calls.add(http.call(new JsonObject().put("path", "/hangs"), 400, null));
    }
    // within the calls' 400 ms the pool opens its 2 connections and no more (at the deadline it replaces them)
    Awaitility.await().atMost(Duration.ofMillis(350)).until(() -> proxy.connectionsAccepted() >= 2);
    assertThat(proxy.connectionsAccepted()).as("connections open while 5 calls wait on a pool of 2").isEqualTo(2);
    for (Future<CallResult> call : calls) {
      assertThat(call.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS))
          .isInstanceOf(DependencyTimeoutException.class);
    }

    upstream.healthy();
    for (int i = 0; i < 4; i++) {
      assertThat(await(http.call(new JsonObject().put("path", "/ok"), 1000, null)).outcome())
          .as("a call after the timed-out ones gets a connection").isEqualTo(Outcome.SUCCESS);
    }
  }

  /**
   * Calls queued behind a hung dependency expire together with the ones holding its connections;
   * none of them may then take a connection only to close it (what Vert.x's own pool queue did: a
   * burst of a connection per dead waiter).
   */
  @Test
  void callsThatExpireWaitingForAConnectionOpenNone() throws Exception {
    FaultProxy proxy = FaultProxy.start(vertx, "127.0.0.1", upstream.port()).await(10, TimeUnit.SECONDS);
    DependencyAdapter http = adapter(new JsonObject().put("base_url", "http://127.0.0.1:" + proxy.port()).put("pool_size", 2));
    upstream.hang();
    List<Future<CallResult>> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(http.call(new JsonObject().put("path", "/hangs"), 400, null));
    }
    for (Future<CallResult> call : calls) {
      assertThat(call.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS))
          .isInstanceOf(DependencyTimeoutException.class);
    }
    assertThat(proxy.connectionsAccepted()).as("connections opened for 30 calls that all expired on a pool of 2").isEqualTo(2);
    upstream.healthy();
    assertThat(await(http.call(new JsonObject().put("path", "/ok"), 1000, null)).outcome()).isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void aClientThatBreaksAfterTakingTheConnectionGivesItBackByTheDeadline() throws Exception {
    DependencyAdapter http = adapter(new JsonObject().put("base_url", upstream.baseUrl()).put("pool_size", 1));
    for (int i = 0; i < 3; i++) {
      // invalid() refuses this path; called directly, Netty throws while encoding it, on a taken connection
      Future<CallResult> broken = http.call(new JsonObject().put("path", "/x y\r\n"), 300, null);
      assertThat(broken.transform(ar -> Future.succeededFuture(ar.cause())).await(5, TimeUnit.SECONDS))
          .as("the broken call ends, by its deadline at the latest").isNotNull();
    }
    assertThat(await(http.call(new JsonObject().put("path", "/ok"), 1000, null)).outcome())
        .as("the only pooled connection came back").isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void onlyRequestsThatCanBeSentAsWrittenAreValid() {
    DependencyAdapter http = adapter();
    for (String path : new String[] {"/", "/a/b-c_d.e~f", "/search?q=a%20b&x=1", "/x:y@z!$&'()*+,;="}) {
      assertThat(http.invalid(new JsonObject().put("path", path))).as(path).isNull();
    }
    for (String path : new String[] {"/x y", "/a\nb", "/a\u0000", "/%", "/%4", "/%g0", "/a#frag", "/é", "noslash"}) {
      assertThat(http.invalid(new JsonObject().put("path", path))).as(path).isNotNull();
    }
    assertThat(http.invalid(new JsonObject().put("path", "/").put("headers", new JsonObject()
        .put("X-Trace", "a b\tc").put("Accept", "*/*")))).isNull();
    for (JsonObject headers : List.of(new JsonObject().put("x", "a\rb"), new JsonObject().put("x", "a\u0001"),
        new JsonObject().put("", "a"), new JsonObject().put("a:b", "c"), new JsonObject().put("Transfer-Encoding", "chunked"),
        new JsonObject().put("x", "\u20ac"), new JsonObject().put("x", "v".repeat(9000)))) {
      assertThat(http.invalid(new JsonObject().put("path", "/").put("headers", headers))).as(headers.encode()).isNotNull();
    }
    assertThat(http.invalid(new JsonObject().put("path", "/").put("query", new JsonObject().put("q", "a b&c=é"))))
        .as("the client percent-encodes query text").isNull();
    assertThat(http.invalid(new JsonObject().put("path", "/").put("query", new JsonObject().put("q\r", "a")))).isNotNull();
  }

  @Test
  void queryTextIsPercentEncodedOnTheWire() throws Exception {
    CallResult r = await(adapter().call(new JsonObject().put("path", "/q?page=1")
        .put("query", new JsonObject().put("q", "a b&c")), 2000, null));
    assertThat(r.reply().getJsonObject("body").getString("query")).isEqualTo("page=1&q=a%20b%26c");
  }

  @Test
  void aPauseWithManyDeadlinesAndPoolWaitersDueAtOnceLeavesNoUnhandledException() throws Exception {
    Vertx paused = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(60_000));
    try {
      AtomicInteger unhandled = new AtomicInteger();
      paused.exceptionHandler(e -> unhandled.incrementAndGet());
      upstream.latency(Duration.ofMillis(3));
      DependencyAdapter http = new HttpAdapterFactory().create(paused, new JsonObject().put("type", "http")
          .put("base_url", upstream.baseUrl()).put("pool_size", 2));
      for (int round = 0; round < 3; round++) {
        List<Future<CallResult>> calls = new ArrayList<>();
        Promise<List<Future<CallResult>>> started = Promise.promise();
        paused.runOnContext(v -> {
          for (int i = 0; i < 300; i++) {
            calls.add(http.call(new JsonObject().put("path", "/p"), 5 + i % 50, null));
          }
          started.complete(calls);
        });
        started.future().await(10, TimeUnit.SECONDS);
        // the event loop stands still, as in a long GC: deadlines, waiters and responses all come due
        paused.runOnContext(v -> standStill(1500));
        for (Future<CallResult> call : calls) {
          call.transform(ar -> Future.succeededFuture()).await(10, TimeUnit.SECONDS);
        }
      }
      assertThat(unhandled.get()).as("unhandled exceptions on the adapter's event loop").isZero();
      assertThat(http.call(new JsonObject().put("path", "/after"), 2000, null).await(10, TimeUnit.SECONDS).outcome())
          .isEqualTo(Outcome.SUCCESS);
    } finally {
      paused.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** Blocks the calling event loop on purpose: the fault under test, not a wait. */
  private static void standStill(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
