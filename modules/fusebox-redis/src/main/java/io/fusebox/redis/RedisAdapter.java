package io.fusebox.redis;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DeadlinePool;
import io.fusebox.adapter.DependencyAdapter;
import io.fusebox.adapter.MemberPool;
import io.fusebox.adapter.Outcome;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Locale;
import java.util.Set;

/**
 * Runs any Redis command {@code {"command": "GET", "args": ["k"]}} on a pool of connections and
 * replies {@code {"result": ...}}. Connection loss, timeouts, {@code LOADING}, {@code BUSY} and
 * {@code MASTERDOWN} are failures; {@code WRONGTYPE} and command errors ({@code ERR}) are the
 * caller's, answered 422, told apart by the error's code (its first word, as Redis sends it).
 *
 * <p>Deadlines: a command (or a {@code PING} probe) without a reply at its deadline closes its
 * connection, since a pipelined connection cannot be trusted after a lost reply; the pool opens a
 * fresh one.
 */
final class RedisAdapter implements DependencyAdapter {

  private static final Set<String> KEYS = Set.of("command", "args");
  /** Commands that only read, whose results a cache fallback may keep. */
  private static final Set<String> READS = Set.of("GET", "MGET", "GETRANGE", "STRLEN", "EXISTS", "TYPE", "TTL", "PTTL",
      "HGET", "HMGET", "HGETALL", "HKEYS", "HVALS", "HLEN", "HEXISTS", "LRANGE", "LLEN", "LINDEX", "SMEMBERS",
      "SISMEMBER", "SCARD", "ZRANGE", "ZRANGEBYSCORE", "ZSCORE", "ZCARD", "ZRANK");
  private final DeadlinePool<RedisLink> pool;
  /** The replicas, each with its pool and outlier detector; null when there are none. */
  private final MemberPool<DeadlinePool<RedisLink>> replicas;

  RedisAdapter(Vertx vertx, RedisDependency d) {
    this.pool = pool(vertx, d, d.host() + ":" + d.port());
    if (d.replicas().isEmpty()) {
      replicas = null;
    } else {
      replicas = new MemberPool<>(d.ejection(), System::nanoTime);
      d.replicas().forEach(replica -> replicas.add(pool(vertx, d, replica), replica));
    }
  }

  private static DeadlinePool<RedisLink> pool(Vertx vertx, RedisDependency d, String hostAndPort) {
    RedisOptions options = new RedisOptions()
        .setConnectionString("redis://" + hostAndPort)
        .setMaxPoolSize(1)
        .setNetClientOptions(new NetClientOptions().setConnectTimeout((int) d.connectTimeout().toMillis()));
    if (!d.password().isEmpty()) {
      options.setPassword(d.password());
    }
    return new DeadlinePool<>(vertx, new DeadlinePool.Connector<>() {
      @Override
      public Future<RedisLink> open() {
        Redis client = Redis.createClient(vertx, options);
        return client.connect()
            .compose(conn -> conn.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(d.clientName()))
                .map(ok -> new RedisLink(client, conn)))
            .onFailure(e -> client.close());
      }

      @Override
      public void close(RedisLink link) {
        link.client().close();
      }

      @Override
      public void onClosed(RedisLink link, Runnable onClosed) {
        link.connection().endHandler(v -> onClosed.run());
      }

      @Override
      public boolean survives(Throwable failure) {
        return RedisErrors.isErrorReply(failure) || RedisErrors.isClientSideMistake(failure);
      }
    }, d.poolSize(), d.maxPoolWaiting(), d.connectTimeout().toMillis());
  }

  @Override
  public String invalid(JsonObject op) {
    for (String key : op.fieldNames()) {
      if (!KEYS.contains(key)) {
        return "unknown key '" + key + "' (expected command, args)";
      }
    }
    if (!(op.getValue("command") instanceof String command) || !command.matches("[A-Za-z][A-Za-z.|_-]*( [A-Za-z]+)?")) {
      return "command must be a Redis command name such as GET (got " + op.getValue("command") + ")";
    }
    Object args = op.getValue("args");
    if (args != null) {
      if (!(args instanceof JsonArray list)) {
        return "args must be an array";
      }
      for (Object arg : list) {
        if (!(arg instanceof String || arg instanceof Number || arg instanceof Boolean)) {
          return "args must be strings, numbers or booleans";
        }
      }
    }
    return null;
  }

  @Override
  public String readKey(JsonObject op) {
    String command = op.getString("command", "").toUpperCase(Locale.ROOT);
    return READS.contains(command) ? command + "\u0000" + op.getJsonArray("args", new JsonArray()).encode() : null;
  }

  @Override
  public Future<CallResult> call(JsonObject op, long timeoutMillis, String traceparent) {
    Request request = Request.cmd(Command.create(op.getString("command").toUpperCase(Locale.ROOT)));
    for (Object arg : op.getJsonArray("args", new JsonArray())) {
      request.arg(String.valueOf(arg));
    }
    if (replicas != null && readKey(op) != null) {
      MemberPool.Member<DeadlinePool<RedisLink>> replica = replicas.pick();
      return send(replica.target(), request, timeoutMillis)
          .andThen(ar -> replicas.record(replica, ar.failed() || ar.result().outcome() == Outcome.FAILURE));
    }
    return send(pool, request, timeoutMillis);
  }

  /** With replicas: each one in or ejected, as snapshots show them. */
  @Override
  public JsonObject pool() {
    return replicas == null ? null
        : new JsonObject().put("members", replicas.describe()).put("panics", replicas.panics());
  }

  private static Future<CallResult> send(DeadlinePool<RedisLink> on, Request request, long timeoutMillis) {
    return on.<Response>run(timeoutMillis, (link, expired) -> link.connection().send(request)).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(CallResult.success(new JsonObject().put("result", json(ar.result()))));
      }
      String message = String.valueOf(ar.cause().getMessage());
      if (RedisErrors.callersFault(ar.cause())) {
        return Future.succeededFuture(CallResult.callerError(message.lines().findFirst().orElse(message)));
      }
      return Future.failedFuture(ar.cause());
    });
  }

  /** A reply as JSON: bulk strings as text, integers as numbers, arrays and maps as JSON, nil as null. */
  static Object json(Response r) {
    if (r == null) {
      return null;
    }
    return switch (r.type()) {
      case NUMBER -> r.toNumber();
      case BOOLEAN -> r.toBoolean();
      case MULTI -> {
        if (r.isMap()) {
          JsonObject map = new JsonObject();
          r.getKeys().forEach(k -> map.put(k, json(r.get(k))));
          yield map;
        }
        JsonArray array = new JsonArray();
        for (Response item : r) {
          array.add(json(item));
        }
        yield array;
      }
      default -> r.toString();
    };
  }

  @Override
  public Future<Void> probe(long timeoutMillis) {
    return pool.<Void>run(timeoutMillis, (link, expired) -> link.connection().send(Request.cmd(Command.PING)).mapEmpty());
  }

  @Override
  public Future<Void> close() {
    pool.close();
    if (replicas != null) {
      replicas.forEach(DeadlinePool::close);
    }
    return Future.succeededFuture();
  }
}
