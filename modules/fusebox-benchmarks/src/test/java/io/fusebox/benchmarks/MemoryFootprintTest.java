package io.fusebox.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fusebox.benchmarks.MemoryFootprint.Footprint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Heap sizes are exact, so the memory budget of DESIGN.md can be held by a test (speed cannot). */
class MemoryFootprintTest {

  private final List<Footprint> rows = MemoryFootprint.measure();

  private Footprint row(String breaker, String window) {
    return rows.stream().filter(r -> r.breaker().equals(breaker) && r.window().startsWith(window)).findFirst()
        .orElseThrow();
  }

  @Test
  void aCountWindowBreakerStaysWithinOneKilobyte() {
    Footprint fusebox = row("Fusebox", "count");
    assertThat(fusebox.totalBytes()).isLessThanOrEqualTo(1024);
    assertThat(fusebox.detectionBytes()).isLessThanOrEqualTo(512);
    assertThat(fusebox.totalBytes()).isLessThan(row("Resilience4j", "count").totalBytes() / 4);
  }

  @Test
  void aSixtySecondTimeWindowKeepsDetectionStateWithinOneKilobyte() {
    Footprint fusebox = row("Fusebox", "time");
    assertThat(fusebox.detectionBytes()).isLessThanOrEqualTo(1024);
    assertThat(fusebox.totalBytes()).isLessThan(row("Resilience4j", "time").totalBytes());
  }

  @Test
  void aKeyOfAKeyedFamilyKeepsItsBreakerWithinAThirdOfAKilobyte() {
    assertThat(row("Fusebox key", "time").totalBytes()).as("a 60 s window in six buckets").isLessThanOrEqualTo(256);
    assertThat(row("Fusebox key", "count").totalBytes()).as("a window of 100 calls, a byte each").isLessThanOrEqualTo(320);
    assertThat(row("Fusebox key", "count").totalBytes()).isLessThan(row("Fusebox", "count").totalBytes() / 3);
  }
}
