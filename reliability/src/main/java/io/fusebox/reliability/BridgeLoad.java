package io.fusebox.reliability;

import io.fusebox.protocol.Addresses;
import io.fusebox.protocol.BridgeFrames;
import io.fusebox.protocol.Headers;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One stream of calls to one breaker through a node's TCP bridge, as any bridge client sends them:
 * either at a fixed rate (open loop: callers do not wait for each other) or with a fixed number in
 * flight (closed loop, optionally with a pause after each reply). Every request has its own reply
 * address, and every reply is counted against it, so a lost or a duplicated reply is seen.
 *
 * <p>Everything runs on the connection's context, so the counts need no locks; readers from other
 * threads poll {@link #progress()} and take the whole figures from {@link #finish}, both of which
 * hop onto that context.
 */
final class BridgeLoad {

  enum Outcome { SUCCESS, FALLBACK, REJECTED, FAILED }

  private static final int TICK_MILLIS = 10;

  private final Vertx vertx;
  private final NetClient client;
  private final NetSocket socket;
  private final Context context;
  private final String address;
  private final LongFunction<JsonObject> body;
  private final long startNanos = System.nanoTime();
  private byte[] replies = new byte[1 << 16];
  private long[] sentAt = new long[1 << 16];
  private int sent;
  private long answered;
  private long duplicates;
  private final long[] outcomes = new long[Outcome.values().length];
  private long[][] perSecond = new long[Outcome.values().length][64];
  private long[] slowestPerSecond = new long[64];
  private long[] successMicros = new long[1 << 14];
  private int successCount;
  private long maxStaleMillis;
  private final Map<String, Long> fallbackTypes = new TreeMap<>();
  private final Map<String, Long> errors = new TreeMap<>();
  private final Map<String, long[]> fallbackPerSecond = new TreeMap<>();
  private long staleReplies;
  private boolean stopped;
  private int inFlightTarget;
  private long thinkMillis;
  private long retryAfterCapMillis;
  private long lastRetryAfterMillis;
  private long timer = -1;

  private BridgeLoad(Vertx vertx, NetClient client, NetSocket socket, Context context, String breaker,
      LongFunction<JsonObject> body) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    this.context = context;
    this.address = Addresses.call(breaker);
    this.body = body;
  }

  /** Connects to the bridge; {@code body} makes the operation of the request with the given sequence number. */
  static BridgeLoad connect(Vertx vertx, int bridgePort, String breaker, LongFunction<JsonObject> body) throws Exception {
    Context context = vertx.getOrCreateContext();
    // the load holds its client: Vert.x closes an unreferenced client, connection and all, when it is collected
    NetClient client = vertx.createNetClient();
    BridgeLoad[] load = new BridgeLoad[1];
    context.runOnContext(v -> client.connect(bridgePort, "127.0.0.1").onSuccess(socket -> {
      load[0] = new BridgeLoad(vertx, client, socket, context, breaker, body);
      socket.handler(BridgeFrames.reader(load[0]::onFrame));
    }));
    Awaitility.await("bridge connection to port " + bridgePort).atMost(Duration.ofSeconds(10)).until(() -> load[0] != null);
    return load[0];
  }

  /** Sends {@code perSecond} requests a second, spread over 10 ms ticks, whatever the replies do. */
  BridgeLoad openLoop(int perSecond) {
    context.runOnContext(v -> {
      double perTick = perSecond * TICK_MILLIS / 1000.0;
      double[] due = {0};
      timer = vertx.setPeriodic(TICK_MILLIS, id -> {
        due[0] += perTick;
        while (due[0] >= 1 && !stopped) {
          due[0] -= 1;
          send();
        }
      });
    });
    return this;
  }

  /** Keeps {@code inFlight} requests in flight, each reply followed by the next after {@code think}. */
  BridgeLoad closedLoop(int inFlight, Duration think) {
    return closedLoop(inFlight, think, Duration.ZERO);
  }

  /**
   * As {@link #closedLoop(int, Duration)}, but a caller whose call was rejected waits the
   * {@code retry_after_ms} the rejection names, at most {@code retryAfterCap}, as a well-behaved
   * client honours a 503's Retry-After.
   */
  BridgeLoad closedLoop(int inFlight, Duration think, Duration retryAfterCap) {
    context.runOnContext(v -> {
      inFlightTarget = inFlight;
      thinkMillis = think.toMillis();
      retryAfterCapMillis = retryAfterCap.toMillis();
      for (int i = 0; i < inFlight; i++) {
        send();
      }
    });
    return this;
  }

  private void send() {
    if (stopped) {
      return;
    }
    int id = sent++;
    if (id == replies.length) {
      replies = Arrays.copyOf(replies, id * 2);
      sentAt = Arrays.copyOf(sentAt, id * 2);
    }
    sentAt[id] = System.nanoTime();
    socket.write(BridgeFrames.encode(new JsonObject().put("type", "send").put("address", address)
        .put("replyAddress", Integer.toString(id)).put("body", body.apply(id))));
  }

  private void onFrame(JsonObject frame) {
    String replyTo = frame.getString("address");
    if (replyTo == null || replyTo.startsWith("fusebox.")) {
      return;
    }
    int id = Integer.parseInt(replyTo);
    if (replies[id]++ > 0) {
      duplicates++;
      return;
    }
    answered++;
    long now = System.nanoTime();
    Outcome outcome = classify(frame);
    outcomes[outcome.ordinal()]++;
    int second = (int) ((now - startNanos) / 1_000_000_000L);
    if (second >= perSecond[0].length) {
      for (int o = 0; o < perSecond.length; o++) {
        perSecond[o] = Arrays.copyOf(perSecond[o], Math.max(second + 1, perSecond[o].length * 2));
      }
    }
    perSecond[outcome.ordinal()][second]++;
    if (second >= slowestPerSecond.length) {
      slowestPerSecond = Arrays.copyOf(slowestPerSecond, Math.max(second + 1, slowestPerSecond.length * 2));
    }
    slowestPerSecond[second] = Math.max(slowestPerSecond[second], (now - sentAt[id]) / 1000);
    if (outcome == Outcome.SUCCESS) {
      if (successCount == successMicros.length) {
        successMicros = Arrays.copyOf(successMicros, successCount * 2);
      }
      successMicros[successCount++] = (now - sentAt[id]) / 1000;
    }
    if (inFlightTarget > 0 && !stopped) {
      long pause = thinkMillis;
      if (outcome == Outcome.REJECTED && retryAfterCapMillis > 0) {
        pause = Math.max(pause, Math.min(lastRetryAfterMillis, retryAfterCapMillis));
      }
      if (pause > 0) {
        vertx.setTimer(pause, t -> send());
      } else {
        send();
      }
    }
  }

  private void recordStale(JsonObject headers) {
    String stale = headers.getString(Headers.STALE_MS);
    if (stale != null) {
      staleReplies++;
      maxStaleMillis = Math.max(maxStaleMillis, Long.parseLong(stale));
    }
  }

  private Outcome classify(JsonObject frame) {
    if ("message".equals(frame.getString("type"))) {
      JsonObject headers = frame.getJsonObject("headers", new JsonObject());
      recordStale(headers);
      if (Headers.OUTCOME_FALLBACK.equals(headers.getString(Headers.OUTCOME))) {
        String type = String.valueOf(headers.getString(Headers.FALLBACK));
        fallbackTypes.merge(type, 1L, Long::sum);
        int second = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
        long[] series = fallbackPerSecond.computeIfAbsent(type, t -> new long[64]);
        if (second >= series.length) {
          series = Arrays.copyOf(series, Math.max(second + 1, series.length * 2));
          fallbackPerSecond.put(type, series);
        }
        series[second]++;
        return Outcome.FALLBACK;
      }
      return Outcome.SUCCESS;
    }
    int code = frame.getInteger("failureCode", -1);
    String message = String.valueOf(frame.getString("message"));
    JsonObject error = errorJson(message);
    errors.merge(code + " " + error.getString("error", "?"), 1L, Long::sum);
    lastRetryAfterMillis = error.getLong("retry_after_ms", 0L);
    boolean rejected = code == 429 || (code == 503 && message.contains("circuit_open"));
    return rejected ? Outcome.REJECTED : Outcome.FAILED;
  }

  /** The JSON every breaker error carries in its message ({"error", "retry_after_ms"...}); empty if it is not. */
  private static JsonObject errorJson(String message) {
    try {
      return new JsonObject(message);
    } catch (RuntimeException notJson) {
      return new JsonObject();
    }
  }

  /** Stops sending; requests already sent still count their replies. */
  void stop() {
    context.runOnContext(v -> {
      stopped = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    });
  }

  /** Stops, waits up to {@code grace} for every request's reply, and returns the final counts. */
  Stats finish(Duration grace) {
    stop();
    try {
      Awaitility.await().atMost(grace).pollInterval(Duration.ofMillis(50)).until(() -> {
        Progress p = progress();
        return p.answered() >= p.sent();
      });
    } catch (ConditionTimeoutException e) {
      // counted as lost below
    }
    Stats stats = snapshot();
    client.close();
    return stats;
  }

  /**
   * The running counts, read on the load's own context and cheap enough to poll: unlike
   * {@link #snapshot()} it sorts no latencies and walks no request ids while the load runs.
   */
  Progress progress() {
    CompletableFuture<Progress> progress = new CompletableFuture<>();
    context.runOnContext(v -> progress.complete(new Progress(sent, answered, outcomes.clone())));
    try {
      return progress.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the load's context did not answer", e);
    }
  }

  /** Requests sent, replies heard, and replies by outcome, so far. */
  record Progress(long sent, long answered, long[] outcomes) {

    long count(Outcome o) {
      return outcomes[o.ordinal()];
    }
  }

  /** The counts as they are now, read on the load's own context. */
  private Stats snapshot() {
    CompletableFuture<Stats> stats = new CompletableFuture<>();
    context.runOnContext(v -> stats.complete(stats()));
    try {
      return stats.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the load's context did not answer", e);
    }
  }

  private Stats stats() {
    long[] sorted = Arrays.copyOf(successMicros, successCount);
    Arrays.sort(sorted);
    int seconds = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L) + 1;
    long[][] series = new long[perSecond.length][];
    for (int o = 0; o < perSecond.length; o++) {
      series[o] = Arrays.copyOf(perSecond[o], Math.min(seconds, perSecond[o].length));
    }
    long lost = 0;
    for (int i = 0; i < sent; i++) {
      if (replies[i] == 0) {
        lost++;
      }
    }
    Map<String, double[]> fallbackSeries = new TreeMap<>();
    fallbackPerSecond.forEach((type, counts) -> fallbackSeries.put(type,
        Arrays.stream(Arrays.copyOf(counts, Math.min(seconds, counts.length))).asDoubleStream().toArray()));
    return new Stats(sent, answered, duplicates, lost, outcomes.clone(), series, sorted, staleReplies, maxStaleMillis,
        Map.copyOf(fallbackTypes), fallbackSeries, Map.copyOf(errors), Arrays.copyOf(slowestPerSecond, Math.min(seconds, slowestPerSecond.length)),
        (System.nanoTime() - startNanos) / 1e9);
  }

  /**
   * Counts of one stream. {@code lost} are requests without a reply so far; {@code successMicros} the
   * sorted round-trip times of successful calls.
   */
  record Stats(long sent, long answered, long duplicates, long lost, long[] outcomes, long[][] perSecond,
      long[] successMicros, long staleReplies, long maxStaleMillis, Map<String, Long> fallbackTypes,
      Map<String, double[]> fallbackPerSecond, Map<String, Long> errors, long[] slowestMicrosPerSecond, double seconds) {

    long count(Outcome o) {
      return outcomes[o.ordinal()];
    }

    double share(Outcome o) {
      return answered == 0 ? 0 : (double) count(o) / answered;
    }

    /** A quantile of successful calls' round trip, in milliseconds. */
    double successMillis(double quantile) {
      if (successMicros.length == 0) {
        return Double.NaN;
      }
      int index = (int) Math.min(successMicros.length - 1, Math.ceil(quantile * successMicros.length) - 1);
      return successMicros[Math.max(0, index)] / 1000.0;
    }

    /** The slowest reply of each second, in milliseconds. */
    double[] slowestMillisPerSecond() {
      return Arrays.stream(slowestMicrosPerSecond).mapToDouble(m -> m / 1000.0).toArray();
    }

    double[] series(Outcome o) {
      return Arrays.stream(perSecond[o.ordinal()]).asDoubleStream().toArray();
    }
  }
}
