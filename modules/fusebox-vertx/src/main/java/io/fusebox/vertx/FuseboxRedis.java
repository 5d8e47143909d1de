package io.fusebox.vertx;

import io.fusebox.redis.RedisErrors;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * A {@link Redis} client whose commands go through a breaker, classified as the Redis adapter does:
 * {@code WRONGTYPE} and command errors are the caller's (counted as ignored); {@code LOADING},
 * {@code BUSY}, connection errors and timeouts are failures.
 */
public final class FuseboxRedis {

  private static final Classifier REDIS = (result, failure) ->
      failure == null ? Outcome.SUCCESS : RedisErrors.callersFault(failure) ? Outcome.IGNORED : Outcome.FAILURE;

  private final Redis redis;
  private final FuseboxBreaker breaker;

  private FuseboxRedis(Redis redis, FuseboxBreaker breaker) {
    this.redis = redis;
    this.breaker = breaker;
  }

  public static FuseboxRedis wrap(Redis redis, FuseboxBreaker breaker) {
    return new FuseboxRedis(redis, breaker);
  }

  public Redis client() {
    return redis;
  }

  public Future<Response> send(Request command) {
    return breaker.execute(() -> redis.send(command), REDIS);
  }
}
