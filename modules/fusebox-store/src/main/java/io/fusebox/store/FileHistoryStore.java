package io.fusebox.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's history as JSON lines, one file per node and hour ({@code <dir>/<node>/2026120314.jsonl},
 * UTC), appended to and never rewritten: an hour's file older than the history is deleted whole,
 * so the files stay bounded without compaction. A line that cannot be read (a crash mid-append) is
 * skipped; each append starts on a new line, so the next one is whole.
 */
public final class FileHistoryStore implements HistoryStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileHistoryStore.class);
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyyMMddHH").withZone(ZoneOffset.UTC);
  private static final String SUFFIX = ".jsonl";

  private final Vertx vertx;
  private final FileSystem fs;
  private final Path dir;
  /** Each node's hour file last appended to: old hours are looked for only when a new one starts. */
  private final Map<String, String> lastFile = new ConcurrentHashMap<>();

  /** @param dir where the nodes' history directories go (next to the state file) */
  public FileHistoryStore(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.fs = vertx.fileSystem();
    this.dir = dir.toAbsolutePath();
  }

  private String nodeDir(String node) {
    return dir.resolve(node).toString();
  }

  @Override
  public Future<Void> append(String node, List<JsonObject> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    // rows of one append are of one minute: one hour's file
    String file = Path.of(nodeDir(node), HOUR.format(Instant.ofEpochMilli(rows.get(0).getLong("at"))) + SUFFIX).toString();
    // a newline first: a line torn by a crash mid-append then ends there, and takes no row with it
    Buffer lines = Buffer.buffer("\n");
    rows.forEach(row -> lines.appendString(row.encode()).appendString("\n"));
    // the directory is made, and old hours looked for, only when a new hour's file starts
    boolean newHour = !file.equals(lastFile.get(node));
    return (newHour ? fs.mkdirs(nodeDir(node)) : Future.<Void>succeededFuture())
        .compose(v -> fs.open(file, new OpenOptions().setAppend(true).setCreate(true)))
        .compose(f -> f.write(lines).eventually(f::close))
        .compose(v -> {
          lastFile.put(node, file);
          return newHour ? dropOlderThan(node, System.currentTimeMillis() - KEPT_MILLIS) : Future.<Void>succeededFuture();
        })
        .recover(e -> {
          LOG.warn("could not append history to {}: {}", file, e.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Deletes the hour files that end before {@code cutoff}. */
  private Future<Void> dropOlderThan(String node, long cutoff) {
    String oldest = HOUR.format(Instant.ofEpochMilli(cutoff)) + SUFFIX;
    return fs.readDir(nodeDir(node)).compose(files -> {
      List<Future<Void>> deleted = new ArrayList<>();
      for (String f : files) {
        String name = Path.of(f).getFileName().toString();
        if (name.endsWith(SUFFIX) && name.compareTo(oldest) < 0) {
          deleted.add(fs.delete(f));
        }
      }
      return Future.all(deleted).mapEmpty();
    });
  }

  @Override
  public Future<List<JsonObject>> load(String node, long sinceEpochMillis) {
    String first = HOUR.format(Instant.ofEpochMilli(sinceEpochMillis)) + SUFFIX;
    return fs.exists(nodeDir(node)).compose(exists -> !exists ? Future.succeededFuture(List.<JsonObject>of())
        : fs.readDir(nodeDir(node)).compose(files -> {
          List<String> wanted = files.stream().filter(f -> {
            String name = Path.of(f).getFileName().toString();
            return name.endsWith(SUFFIX) && name.compareTo(first) >= 0;
          }).sorted(Comparator.naturalOrder()).toList();
          List<Future<Buffer>> reads = wanted.stream().map(fs::readFile).toList();
          // a day of a thousand busy breakers is over a million lines: parsed off the event loop
          return Future.all(reads).compose(read -> vertx.executeBlocking(() -> {
            List<JsonObject> rows = new ArrayList<>();
            for (Future<Buffer> content : reads) {
              content.result().toString().lines().forEach(line -> parse(line, sinceEpochMillis, rows));
            }
            return rows;
          }, false));
        })).recover(e -> {
          LOG.warn("could not read the history of node {} from {}: {}; starting without it", node, dir, e.getMessage());
          return Future.succeededFuture(List.of());
        });
  }

  private static void parse(String line, long since, List<JsonObject> rows) {
    try {
      JsonObject row = new JsonObject(line);
      if (row.getLong("at", 0L) >= since) {
        rows.add(row);
      }
    } catch (RuntimeException torn) {
      // a line cut short by a crash: the rest of the file is still good
    }
  }
}
