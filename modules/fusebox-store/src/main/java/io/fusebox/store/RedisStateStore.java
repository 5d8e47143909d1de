package io.fusebox.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis hash per breaker instance under a prefix ({@code fusebox:breaker:orders@node-a}).
 * While Redis is down, the newest state of each instance waits in memory and is retried with
 * backoff (from {@link #FIRST_RETRY_MILLIS} up to {@link #MAX_RETRY_MILLIS}); saving never fails.
 */
public final class RedisStateStore implements StateStore {

  static final long FIRST_RETRY_MILLIS = 200;
  static final long MAX_RETRY_MILLIS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisStateStore.class);

  private final Vertx vertx;
  private final Redis client;
  private final RedisAPI redis;
  private final String prefix;
  private final Map<String, BreakerRecord> pending = new LinkedHashMap<>();
  private long retryMillis;
  private boolean retryScheduled;

  public RedisStateStore(Vertx vertx, String url, String prefix) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, url);
    this.redis = RedisAPI.api(client);
    this.prefix = prefix;
  }

  @Override
  public Future<Void> save(BreakerRecord record) {
    synchronized (this) {
      pending.put(record.key(), record);
    }
    return flush();
  }

  private Future<Void> flush() {
    List<BreakerRecord> batch;
    synchronized (this) {
      batch = new ArrayList<>(pending.values());
    }
    List<Future<?>> writes = new ArrayList<>();
    for (BreakerRecord r : batch) {
      List<String> args = new ArrayList<>(List.of(prefix + r.key()));
      r.toJson().forEach(e -> {
        args.add(e.getKey());
        args.add(String.valueOf(e.getValue()));
      });
      writes.add(redis.hset(args).onSuccess(ok -> {
        synchronized (this) {
          pending.remove(r.key(), r);
        }
      }));
    }
    return Future.join(writes).transform(ar -> {
      if (ar.failed()) {
        scheduleRetry(ar.cause());
      } else {
        synchronized (this) {
          retryMillis = 0;
        }
      }
      return Future.succeededFuture();
    });
  }

  private synchronized void scheduleRetry(Throwable cause) {
    if (retryScheduled) {
      return;
    }
    retryMillis = retryMillis == 0 ? FIRST_RETRY_MILLIS : Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
    retryScheduled = true;
    LOG.warn("cannot write breaker states to Redis ({}); retrying in {} ms", cause.getMessage(), retryMillis);
    vertx.setTimer(retryMillis, id -> {
      synchronized (this) {
        retryScheduled = false;
      }
      flush();
    });
  }

  /** The saved state, or null; when Redis cannot be read, null too, and the breaker starts fresh. */
  @Override
  public Future<BreakerRecord> load(String breaker, String node) {
    return redis.hgetall(prefix + breaker + "@" + node).transform(ar -> {
      if (ar.failed() || ar.result() == null || ar.result().size() == 0) {
        if (ar.failed()) {
          LOG.warn("cannot read the saved state of {}@{} from Redis: {}", breaker, node, ar.cause().getMessage());
        }
        return Future.succeededFuture(null);
      }
      JsonObject json = new JsonObject();
      for (String field : ar.result().getKeys()) {
        json.put(field, ar.result().get(field).toString());
      }
      return Future.succeededFuture(new BreakerRecord(json.getString("breaker"), json.getString("node"),
          json.getString("state"), Long.parseLong(json.getString("since")), Long.parseLong(json.getString("open_until")),
          Integer.parseInt(json.getString("backoff_level")), Boolean.parseBoolean(json.getString("fallback_enabled")),
          override(json.getString("override"))));
    });
  }

  /** The override field as saved: its JSON, or {@code "null"} (a hash field cannot be absent once written). */
  private static JsonObject override(String saved) {
    return saved == null || "null".equals(saved) ? null : new JsonObject(saved);
  }

  /** States still waiting for Redis. */
  public synchronized int pending() {
    return pending.size();
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }
}
