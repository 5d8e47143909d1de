package io.fusebox.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of a node's breaker states in one JSON file, rewritten whole through a temporary file and an
 * atomic rename, so that a crash mid-write leaves the old file or the new one, never half of one.
 * Writes are serialised and coalesced: while one is under way, only the newest states wait. A file
 * that cannot be read as states is moved aside, with a log line saying where, and never overwritten.
 */
public final class FileStateStore implements StateStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileStateStore.class);

  private final FileSystem fs;
  private final String path;
  private final String temp;
  private Future<Map<String, BreakerRecord>> records;
  private boolean writing;
  private boolean dirty;

  public FileStateStore(Vertx vertx, Path file) {
    this.fs = vertx.fileSystem();
    this.path = file.toAbsolutePath().toString();
    this.temp = path + ".tmp";
  }

  private synchronized Future<Map<String, BreakerRecord>> records() {
    if (records == null) {
      records = read();
    }
    return records;
  }

  private Future<Map<String, BreakerRecord>> read() {
    return fs.exists(path).compose(exists -> {
      if (!exists) {
        return Future.succeededFuture(new LinkedHashMap<>());
      }
      return fs.readFile(path).compose(this::parse);
    });
  }

  private Future<Map<String, BreakerRecord>> parse(Buffer content) {
    Map<String, BreakerRecord> parsed = new LinkedHashMap<>();
    try {
      JsonObject json = content.toJsonObject();
      for (String key : json.fieldNames()) {
        parsed.put(key, BreakerRecord.fromJson(json.getJsonObject(key)));
      }
      return Future.succeededFuture(parsed);
    } catch (RuntimeException corrupt) {
      String aside = path + ".corrupt-" + System.currentTimeMillis();
      LOG.error("breaker state file {} is corrupt ({}); moved it to {} and starting with no saved state", path,
          corrupt.getMessage(), aside);
      return fs.move(path, aside, new CopyOptions().setReplaceExisting(false)).map(v -> parsed);
    }
  }

  @Override
  public Future<BreakerRecord> load(String breaker, String node) {
    return records().map(all -> all.get(breaker + "@" + node));
  }

  @Override
  public Future<Void> save(BreakerRecord record) {
    return records().compose(all -> {
      synchronized (this) {
        all.put(record.key(), record);
        dirty = true;
        if (writing) {
          return Future.succeededFuture();
        }
        writing = true;
      }
      return flush(all);
    });
  }

  /** Writes until no newer state is waiting. */
  private Future<Void> flush(Map<String, BreakerRecord> all) {
    JsonObject json;
    synchronized (this) {
      dirty = false;
      json = new JsonObject();
      all.forEach((key, r) -> json.put(key, r.toJson()));
    }
    String parent = Path.of(path).getParent().toString();
    return fs.mkdirs(parent)
        .compose(v -> fs.writeFile(temp, json.toBuffer()))
        .compose(v -> fs.move(temp, path, new CopyOptions().setReplaceExisting(true).setAtomicMove(true)))
        .transform(ar -> {
          if (ar.failed()) {
            LOG.warn("could not write breaker states to {}: {}", path, ar.cause().getMessage());
          }
          synchronized (this) {
            if (!dirty) {
              writing = false;
              return Future.succeededFuture();
            }
          }
          return flush(all);
        });
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
