package io.fusebox.redis;

import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;

/**
 * One physical Redis connection: a client of its own with one connection, because closing a pooled
 * {@code RedisConnection} only hands it back to its pool, and a connection that lost a reply must
 * really be closed (on a pipelined connection every later reply would answer the wrong command).
 */
record RedisLink(Redis client, RedisConnection connection) {
}
