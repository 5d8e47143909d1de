package io.fusebox.redis;

import io.fusebox.adapter.CallResult;
import io.fusebox.adapter.DependencyAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Locale;
import java.util.Set;

/**
 * Runs any Redis command {@code {"command": "GET", "args": ["k"]}} on a pooled client and replies
 * {@code {"result": ...}}. Connection loss, timeouts, {@code LOADING}, {@code BUSY} and
 * {@code MASTERDOWN} are failures; {@code WRONGTYPE} and command errors ({@code ERR}) are the
 * caller's, answered 422.
 */
final class RedisAdapter implements DependencyAdapter {

  private static final Set<String> KEYS = Set.of("command", "args");
  /** Commands that only read, whose results a cache fallback may keep. */
  private static final Set<String> READS = Set.of("GET", "MGET", "GETRANGE", "STRLEN", "EXISTS", "TYPE", "TTL", "PTTL",
      "HGET", "HMGET", "HGETALL", "HKEYS", "HVALS", "HLEN", "HEXISTS", "LRANGE", "LLEN", "LINDEX", "SMEMBERS",
      "SISMEMBER", "SCARD", "ZRANGE", "ZRANGEBYSCORE", "ZSCORE", "ZCARD", "ZRANK");
  private static final Set<String> CALLERS_FAULT = Set.of("WRONGTYPE", "ERR", "NOSCRIPT", "EXECABORT");

  private final Redis redis;

  RedisAdapter(Vertx vertx, JsonObject d) {
    String password = d.getString("password", "");
    String url = "redis://" + (password.isEmpty() ? "" : ":" + password + "@") + d.getString("host", "127.0.0.1")
        + ":" + d.getInteger("port", 6379);
    this.redis = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(url)
        .setMaxPoolSize(d.getInteger("pool_size", RedisAdapterFactory.DEFAULT_POOL_SIZE))
        .setMaxPoolWaiting(d.getInteger("max_pool_waiting", RedisAdapterFactory.DEFAULT_MAX_POOL_WAITING)));
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
    return redis.send(request).transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(CallResult.success(new JsonObject().put("result", json(ar.result()))));
      }
      String message = String.valueOf(ar.cause().getMessage());
      String prefix = message.split(" ", 2)[0];
      // the client checks a command's arity before sending it; a wrong one is the caller's mistake too
      if (CALLERS_FAULT.contains(prefix) || message.startsWith("Redis command is not valid")) {
        return Future.succeededFuture(CallResult.rejected(message.lines().findFirst().orElse(message)));
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
    return redis.send(Request.cmd(Command.PING)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    redis.close();
    return Future.succeededFuture();
  }
}
