package io.fusebox.store;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.testkit.TestServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both history stores: rows come back from a time on, oldest first, and a day's worth is kept. */
class HistoryStoreTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private static JsonObject row(String breaker, long at) {
    return new JsonObject().put("type", "minute").put("breaker", breaker).put("at", at);
  }

  private void roundTrips(HistoryStore store) {
    long now = System.currentTimeMillis();
    long minute = now - now % 60_000;
    await(store.append("node-a", List.of(row("orders", minute - 120_000), row("stock", minute - 120_000))));
    await(store.append("node-a", List.of(row("orders", minute - 60_000))));
    await(store.append("node-b", List.of(row("orders", minute - 60_000))));
    assertThat(await(store.load("node-a", minute - 3_600_000))).extracting(r -> r.getString("breaker") + "@" + r.getLong("at"))
        .containsExactly("orders@" + (minute - 120_000), "stock@" + (minute - 120_000), "orders@" + (minute - 60_000));
    assertThat(await(store.load("node-a", minute - 60_000))).hasSize(1);
    assertThat(await(store.load("node-c", 0))).isEmpty();
  }

  @Test
  void aFileStoreRoundTripsSkipsATornLineAndDeletesHoursOlderThanADay() throws Exception {
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "history");
    FileHistoryStore store = new FileHistoryStore(vertx, dir);
    roundTrips(store);
    DateTimeFormatter hour = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
    long now = System.currentTimeMillis();
    Path current = dir.resolve("node-a").resolve(hour.format(Instant.ofEpochMilli(now - now % 60_000 - 60_000)) + ".jsonl");
    Files.writeString(current, Files.readString(current) + "{\"type\": \"minu", java.nio.file.StandardOpenOption.WRITE);
    Path old = dir.resolve("node-a").resolve(hour.format(Instant.ofEpochMilli(now - HistoryStore.KEPT_MILLIS - 7_200_000)) + ".jsonl");
    Files.writeString(old, row("orders", now - HistoryStore.KEPT_MILLIS - 7_200_000).encode() + "\n");
    assertThat(await(store.load("node-a", 0))).as("a torn line skipped, an old file read when asked").hasSize(4);
    // old hours are looked for when a store starts a new hour's file, and at its first append
    FileHistoryStore restarted = new FileHistoryStore(vertx, dir);
    await(restarted.append("node-a", List.of(row("orders", now))));
    assertThat(old).as("an hour older than a day, deleted at the first append").doesNotExist();
    assertThat(await(restarted.load("node-a", 0))).hasSize(4);
  }

  @Test
  void aRedisStoreRoundTripsAndDropsRowsOlderThanADay() {
    TestServices.Redis redis = TestServices.redis();
    RedisHistoryStore store = new RedisHistoryStore(vertx, "redis://" + redis.host() + ":" + redis.port(),
        "fusebox:test:" + UUID.randomUUID() + ":");
    roundTrips(store);
    long now = System.currentTimeMillis();
    await(store.append("node-a", List.of(row("orders", now - HistoryStore.KEPT_MILLIS - 60_000))));
    assertThat(await(store.load("node-a", 0))).as("older than a day: dropped as it was appended").hasSize(3);
    await(store.close());
  }
}
