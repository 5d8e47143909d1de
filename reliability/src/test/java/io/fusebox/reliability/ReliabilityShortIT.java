package io.fusebox.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The suite's short mode, as CI runs it: every scenario on real nodes at a small scale, each figure
 * against its target. A missed target fails the build with the report's own words.
 */
class ReliabilityShortIT {

  @Test
  void everyScenarioMeetsItsTargetsInTheShortMode() throws Exception {
    Path out = Path.of(System.getProperty("reliability.out", "target/short-report"));
    Report report = Reliability.run(Mode.SHORT, out, Path.of(System.getProperty("fusebox.jar")),
        Path.of(System.getProperty("reliability.classes")), List.of());
    assertThat(out.resolve("REPORT.md")).exists();
    assertThat(report.sections()).extracting(s -> s.number).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(report.misses()).as("targets missed (the report: %s)", out.resolve("REPORT.md").toAbsolutePath()).isEmpty();
    assertThat(Files.list(out.resolve("plots"))).isNotEmpty();
  }
}
