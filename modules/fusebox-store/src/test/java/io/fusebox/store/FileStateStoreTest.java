package io.fusebox.store;

import static io.fusebox.testkit.BreakerHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FileStateStoreTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private static Path dir() throws Exception {
    return Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "store");
  }

  private static BreakerRecord record(String breaker, String state, int level) {
    return new BreakerRecord(breaker, "node-a", state, 1000L, 5000L, level, true);
  }

  @Test
  void statesSurviveANewStoreOnTheSameFileAndNoTemporaryFileIsLeft() throws Exception {
    Path file = dir().resolve("sub/breakers.json");
    FileStateStore first = new FileStateStore(vertx, file);
    await(first.save(record("orders", "open", 2)));
    await(first.save(record("search", "forced_open", 0)));
    await(first.save(record("orders", "open", 3)));
    Awaitility.await("the newest state on disk").untilAsserted(() ->
        assertThat(await(new FileStateStore(vertx, file).load("orders", "node-a"))).isEqualTo(record("orders", "open", 3)));
    FileStateStore second = new FileStateStore(vertx, file);
    assertThat(await(second.load("search", "node-a")).state()).isEqualTo("forced_open");
    assertThat(await(second.load("orders", "node-b"))).as("other nodes' instances are apart").isNull();
    assertThat(Files.exists(Path.of(file + ".tmp"))).isFalse();
  }

  @Test
  void aCorruptFileIsMovedAsideNotOverwritten() throws Exception {
    Path dir = dir();
    Path file = dir.resolve("breakers.json");
    Files.writeString(file, "{ this is not json");
    FileStateStore store = new FileStateStore(vertx, file);
    assertThat(await(store.load("orders", "node-a"))).isNull();
    try (var files = Files.list(dir)) {
      Path aside = files.filter(p -> p.getFileName().toString().startsWith("breakers.json.corrupt-")).findFirst().orElseThrow();
      assertThat(Files.readString(aside)).isEqualTo("{ this is not json");
    }
    await(store.save(record("orders", "open", 1)));
    Awaitility.await("the state written over the corrupt file").untilAsserted(() -> {
      BreakerRecord saved = await(new FileStateStore(vertx, file).load("orders", "node-a"));
      assertThat(saved).isNotNull();
      assertThat(saved.backoffLevel()).isEqualTo(1);
    });
  }
}
