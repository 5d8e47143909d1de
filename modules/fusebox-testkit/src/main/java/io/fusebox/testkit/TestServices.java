package io.fusebox.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Where the tests' PostgreSQL and Redis are: 127.0.0.1:5432 (user postgres, database test) and
 * 127.0.0.1:6379 unless the environment says otherwise. When one does not answer, the test fails
 * with what is missing and how to start it; it is never skipped.
 */
public final class TestServices {

  private TestServices() {
  }

  public record Postgres(String host, int port, String user, String password, String database) {
  }

  public record Redis(String host, int port) {
  }

  /** {@code FUSEBOX_TEST_PG_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD}, {@code _DATABASE}. */
  public static Postgres postgres() {
    Postgres pg = new Postgres(env("FUSEBOX_TEST_PG_HOST", "127.0.0.1"), Integer.parseInt(env("FUSEBOX_TEST_PG_PORT", "5432")),
        env("FUSEBOX_TEST_PG_USER", "postgres"), env("FUSEBOX_TEST_PG_PASSWORD", ""), env("FUSEBOX_TEST_PG_DATABASE", "test"));
    requireListening("PostgreSQL", pg.host(), pg.port(), "FUSEBOX_TEST_PG_HOST / FUSEBOX_TEST_PG_PORT",
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start, and psql -U postgres -c 'CREATE DATABASE test'");
    return pg;
  }

  /** {@code FUSEBOX_TEST_REDIS_HOST} and {@code FUSEBOX_TEST_REDIS_PORT}. */
  public static Redis redis() {
    Redis redis = new Redis(env("FUSEBOX_TEST_REDIS_HOST", "127.0.0.1"), Integer.parseInt(env("FUSEBOX_TEST_REDIS_PORT", "6379")));
    requireListening("Redis", redis.host(), redis.port(), "FUSEBOX_TEST_REDIS_HOST / FUSEBOX_TEST_REDIS_PORT",
        "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no");
    return redis;
  }

  private static String env(String name, String otherwise) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? otherwise : value;
  }

  private static void requireListening(String what, String host, int port, String variables, String howToStart) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
    } catch (IOException e) {
      throw new AssertionError(what + " does not answer on " + host + ":" + port + " (" + e.getMessage() + "). "
          + "Point " + variables + " at one, or start it: " + howToStart + " (.ci/run does it).");
    }
  }
}
