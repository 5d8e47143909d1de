package io.fusebox.demo;

import io.fusebox.core.Durations;
import io.fusebox.protocol.CircuitOpenException;
import io.fusebox.protocol.FuseboxClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's caller: sends {@code GET /<breaker>} to each listed breaker at a steady rate through
 * {@link FuseboxClient}, and stages outages of the demo upstream on a cycle so that a newcomer
 * watches breakers trip, back off and recover.
 *
 * <p>Config: {@code breakers} (names), {@code rate_per_second} (per breaker), {@code outage}
 * ({@code after}, {@code lasts}, {@code every}, {@code error_rate}); no {@code outage} means none.
 */
public final class TrafficGeneratorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(TrafficGeneratorVerticle.class);
  private static final long REPORT_EVERY_MILLIS = 5_000;

  private FuseboxClient client;
  private final Map<String, long[]> tallies = new LinkedHashMap<>();

  @Override
  public Future<?> start() {
    JsonObject c = config();
    client = FuseboxClient.create(vertx);
    JsonArray breakers = c.getJsonArray("breakers", new JsonArray());
    long every = Math.max(1, 1000 / Math.max(1, c.getInteger("rate_per_second", 10)));
    for (Object b : breakers) {
      String breaker = String.valueOf(b);
      tallies.put(breaker, new long[4]);
      vertx.setPeriodic(every, id -> call(breaker));
    }
    vertx.setPeriodic(REPORT_EVERY_MILLIS, id -> report());
    JsonObject outage = c.getJsonObject("outage");
    if (outage != null) {
      scheduleOutage(outage, Durations.parse(outage.getString("after", "10s")).toMillis());
    }
    return client.ready();
  }

  private void call(String breaker) {
    long[] tally = tallies.get(breaker);
    client.http(breaker).get("/" + breaker).onComplete(ar -> {
      if (ar.succeeded()) {
        tally[ar.result().fromFallback() ? 3 : 0]++;
      } else if (ar.cause() instanceof CircuitOpenException) {
        tally[1]++;
      } else {
        tally[2]++;
      }
    });
  }

  private void report() {
    StringBuilder line = new StringBuilder("traffic in the last 5 s:");
    tallies.forEach((breaker, t) -> {
      line.append(' ').append(breaker).append(" ok=").append(t[0]).append(" fallback=").append(t[3])
          .append(" rejected=").append(t[1]).append(" failed=").append(t[2]).append(" [").append(client.state(breaker) == null ? "?" : client.state(breaker).wireName()).append(']');
      Arrays.fill(t, 0);
    });
    LOG.info(line.toString());
  }

  private void scheduleOutage(JsonObject outage, long delayMillis) {
    long lasts = Durations.parse(outage.getString("lasts", "20s")).toMillis();
    long every = Durations.parse(outage.getString("every", "60s")).toMillis();
    double errorRate = outage.getDouble("error_rate", 0.9);
    vertx.setTimer(delayMillis, start -> {
      LOG.info("demo: the upstream goes down for {} s", lasts / 1000);
      setUpstream(errorRate);
      vertx.setTimer(lasts, end -> {
        LOG.info("demo: the upstream is healthy again");
        setUpstream(0.0);
      });
      scheduleOutage(outage, every);
    });
  }

  private void setUpstream(double errorRate) {
    vertx.eventBus().request(DemoUpstreamVerticle.CONTROL, new JsonObject().put("error_rate", errorRate))
        .onFailure(e -> LOG.warn("demo: cannot reach the demo upstream: {}", e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }
}
