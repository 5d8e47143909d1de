package io.fusebox.benchmarks;

import io.fusebox.dashboard.history.HistoryVerticle;
import io.fusebox.dashboard.history.Minute;
import io.fusebox.store.HistoryStore;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jol.info.GraphLayout;

/**
 * Retained heap of a node's breaker history, measured with JOL: a history verticle (not deployed)
 * given 24 hours of minutes for {@code n} breakers the way it reads them back from its store, then
 * its breakers' history walked whole. Every minute of the day is kept here, as for a breaker that
 * had calls in each; a breaker without a call costs none of it.
 *
 * <pre>java -cp modules/fusebox-benchmarks/target/benchmarks.jar io.fusebox.benchmarks.HistoryFootprint 1000</pre>
 */
public final class HistoryFootprint {

  private HistoryFootprint() {
  }

  public static void main(String[] args) throws Exception {
    int breakers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    HistoryVerticle history = new HistoryVerticle("node-a", HistoryStore.NONE);
    Method restore = HistoryVerticle.class.getDeclaredMethod("restore", List.class);
    restore.setAccessible(true);
    long day = System.currentTimeMillis() / 60_000 - 24 * 60;
    for (int b = 0; b < breakers; b++) {
      List<JsonObject> rows = new ArrayList<>(24 * 60);
      for (int m = 0; m < 24 * 60; m++) {
        rows.add(new Minute((int) (day + m), new int[] {1200, 30, 2, 0, 1, 3}, 0.025f, 0.01f, 4.5f, 12f, 30f,
            new int[] {60_000, 0, 0, 0, 0}).toJson().put("type", "minute").put("breaker", String.format("breaker-%05d", b)));
      }
      restore.invoke(history, rows);
    }
    Field kept = HistoryVerticle.class.getDeclaredField("breakers");
    kept.setAccessible(true);
    long bytes = GraphLayout.parseInstance(kept.get(history)).totalSize();
    System.out.printf(Locale.ROOT, "%d breakers, 24 h of one-minute history each: %,d bytes (%,d bytes a breaker)%n",
        breakers, bytes, bytes / breakers);
  }
}
