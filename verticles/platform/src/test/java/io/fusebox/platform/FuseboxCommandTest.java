package io.fusebox.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The commands that need no running node. */
class FuseboxCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int fusebox(String... args) {
    return Fusebox.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void validateAcceptsTheDemoAndExitsZero() {
    assertThat(fusebox("validate", "--conf", "../../conf/fusebox.yaml")).isZero();
    assertThat(out.toString()).contains("is valid: 3 breaker(s): catalog, payments, search");
  }

  @Test
  void everyExampleConfigurationIsValid() throws Exception {
    try (var examples = Files.list(Path.of("../../conf/examples"))) {
      List<Path> files = examples.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".toml")).sorted().toList();
      assertThat(files).hasSizeGreaterThanOrEqualTo(4);
      for (Path file : files) {
        out.reset();
        err.reset();
        assertThat(fusebox("validate", "--conf", file.toString())).as(file + ": " + err).isZero();
        assertThat(out.toString()).contains("is valid");
      }
    }
  }

  @Test
  void validateListsEveryProblemAndExitsTwo() throws Exception {
    Path broken = Files.createTempFile(Path.of("target").toAbsolutePath(), "broken", ".yaml");
    Files.writeString(broken, """
        fusebox: { http: { port: 99999 } }
        circuit_breakers:
          services:
            orders:
              dependency: { type: http, base_url: "ftp://nope" }
              recovery: { permitted_probes: 0 }
        """);
    assertThat(fusebox("validate", "--conf", broken.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("fusebox.http.port: out of range (got 99999, expected an integer in 0..65535)")
        .contains("circuit_breakers.services.orders.dependency.base_url: not an HTTP URL (got \"ftp://nope\", expected a URL such as http://127.0.0.1:9000)");
  }

  @Test
  void validateWithoutAFileIsAUsageError() {
    assertThat(fusebox("validate")).isEqualTo(2);
    assertThat(err.toString()).contains("usage:");
  }

  @Test
  void presetsPrintsEveryPresetsValues() {
    assertThat(fusebox("presets")).isZero();
    assertThat(out.toString())
        .contains("aggressive:", "default:", "lenient:")
        .contains("consecutive_failures: { threshold: 3 }")
        .contains("transitions: { open_timeout: 30s, enable_exponential_backoff: true, backoff_multiplier: 2.0, max_open_timeout: 10m, jitter: 0.0 }");
  }

  @Test
  void callWithoutABridgeSaysWhatIsMissing() {
    assertThat(fusebox("call", "catalog", "{\"path\":\"/\"}", "--bridge", "127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("cannot call catalog through the bridge at 127.0.0.1:1")
        .contains("fusebox.bridge.enabled: true");
  }

  @Test
  void callRefusesAnOperationThatIsNotJson() {
    assertThat(fusebox("call", "catalog", "GET /")).isEqualTo(2);
    assertThat(err.toString()).contains("the operation must be a JSON object");
  }

  @Test
  void unknownCommandsShowTheUsage() {
    assertThat(fusebox("explode")).isEqualTo(2);
    assertThat(err.toString()).contains("fusebox run [--conf FILE]");
  }
}
