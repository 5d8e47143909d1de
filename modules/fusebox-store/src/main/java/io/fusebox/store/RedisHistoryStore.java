package io.fusebox.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's history in one Redis sorted set ({@code <prefix>history:<node>}), each row a member
 * scored by its time, so that reading from a time on is one range and the rows older than the
 * history are dropped with each append. While Redis is down, appends are logged and lost (the node
 * keeps them in memory; only a restart meanwhile loses them).
 */
public final class RedisHistoryStore implements HistoryStore {

  private static final Logger LOG = LoggerFactory.getLogger(RedisHistoryStore.class);

  private final Vertx vertx;
  private final Redis client;
  private final RedisAPI redis;
  private final String prefix;

  public RedisHistoryStore(Vertx vertx, String url, String prefix) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, url);
    this.redis = RedisAPI.api(client);
    this.prefix = prefix;
  }

  private String key(String node) {
    return prefix + "history:" + node;
  }

  @Override
  public Future<Void> append(String node, List<JsonObject> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> args = new ArrayList<>(List.of(key(node)));
    for (JsonObject row : rows) {
      args.add(Long.toString(row.getLong("at")));
      args.add(row.encode());
    }
    return redis.zadd(args)
        .compose(added -> redis.zremrangebyscore(key(node), "-inf", "(" + (System.currentTimeMillis() - KEPT_MILLIS)))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.warn("could not append the history of node {} to Redis: {}", node, e.getMessage());
          return Future.succeededFuture();
        });
  }

  @Override
  public Future<List<JsonObject>> load(String node, long sinceEpochMillis) {
    // a day of a thousand busy breakers is over a million members: parsed off the event loop
    return redis.zrangebyscore(List.of(key(node), Long.toString(sinceEpochMillis), "+inf"))
        .compose(members -> vertx.executeBlocking(() -> {
          List<JsonObject> rows = new ArrayList<>();
          for (Response member : members) {
            rows.add(new JsonObject(member.toString()));
          }
          return rows;
        }, false)).recover(e -> {
      LOG.warn("could not read the history of node {} from Redis: {}; starting without it", node, e.getMessage());
      return Future.succeededFuture(List.of());
    });
  }

  @Override
  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }
}
