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
        .contains("circuit_breakers.services.orders.dependency.base_url: not an HTTP URL (got \"ftp://nope\", expected a URL such as http://127.0.0.1:9000)")
        .contains("circuit_breakers.services.orders.recovery.permitted_probes: out of range (got 0");
  }

  @Test
  void validateReportsEveryPhaseAtOnceSortedByPath() throws Exception {
    Path broken = Files.createTempFile(Path.of("target").toAbsolutePath(), "phases", ".yaml");
    Files.writeString(broken, """
        fusebox:
          verticles:
            - class: com.example.NotThere
        circuit_breakers:
          services:
            payments:
              dependency: { type: http, base_url: "http://127.0.0.1:9" }
              recovery: { permitted_probes: 0 }
            orders:
              dependency: { type: http, base_url: "http://127.0.0.1:9", colour: blue }
        """);
    assertThat(fusebox("validate", "--conf", broken.toString())).isEqualTo(2);
    List<String> problems = err.toString().lines().filter(l -> l.startsWith("  ")).map(String::trim).toList();
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0)).startsWith("circuit_breakers.services.orders.dependency.colour: unknown key");
    assertThat(problems.get(1)).startsWith("circuit_breakers.services.payments.recovery.permitted_probes: out of range");
    assertThat(problems.get(2)).isEqualTo(
        "fusebox.verticles[0].class: not found (got com.example.NotThere, expected a class in a jar in lib/ or on --classpath)");
    assertThat(err.toString()).contains("is not valid (3 problems)");
  }

  @Test
  void aClasspathEntryThatCannotBeReadIsAUsageError() {
    assertThat(fusebox("validate", "--conf", "../../conf/fusebox.yaml", "--classpath", "no/such.jar")).isEqualTo(2);
    assertThat(err.toString()).contains("--classpath: no/such.jar cannot be read");
  }

  @Test
  void validateWithoutAFileChecksTheDefaultOne() {
    assertThat(fusebox("validate")).isEqualTo(2);
    assertThat(err.toString()).contains("conf/fusebox.yaml: cannot read the file");
  }

  @Test
  void helpInEveryFormPrintsToStdoutAndExitsZero() {
    for (String[] help : new String[][] {{"--help"}, {"-h"}, {"help"}}) {
      out.reset();
      assertThat(fusebox(help)).isZero();
      assertThat(out.toString()).startsWith("usage: fusebox <command>").contains("exit codes: 0 done, 1 failed, 2 bad usage");
    }
    for (String command : new String[] {"run", "validate", "presets", "call", "reload"}) {
      out.reset();
      assertThat(fusebox(command, "--help")).isZero();
      assertThat(out.toString()).startsWith("usage: fusebox " + command);
      out.reset();
      assertThat(fusebox("help", command)).isZero();
      assertThat(out.toString()).startsWith("usage: fusebox " + command);
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void noArgumentsPrintsTheUsageAndExitsTwo() {
    assertThat(fusebox()).isEqualTo(2);
    assertThat(err.toString()).startsWith("usage: fusebox <command>");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void anExtraOrUnknownArgumentIsRefusedNotIgnored() {
    assertThat(fusebox("presets", "extra")).isEqualTo(2);
    assertThat(err.toString()).contains("fusebox presets: unexpected argument 'extra'");
    err.reset();
    assertThat(fusebox("validate", "--conf", "../../conf/fusebox.yaml", "--colour", "blue")).isEqualTo(2);
    assertThat(err.toString()).contains("fusebox validate: unknown option --colour");
    err.reset();
    assertThat(fusebox("call", "catalog", "{}", "{}")).isEqualTo(2);
    assertThat(err.toString()).contains("unexpected argument '{}'");
    err.reset();
    assertThat(fusebox("help", "explode")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown command explode");
  }

  @Test
  void aBadOptionValueExitsTwoWithAMessageAndNoStackTrace() {
    assertThat(fusebox("call", "catalog", "{}", "--timeout-ms", "abc")).isEqualTo(2);
    assertThat(err.toString()).contains("option --timeout-ms needs a positive whole number (got 'abc')");
    err.reset();
    assertThat(fusebox("call", "catalog", "{}", "--bridge")).isEqualTo(2);
    assertThat(err.toString()).contains("option --bridge needs a value");
    err.reset();
    assertThat(fusebox("call", "catalog", "{}", "--bridge", "localhost")).isEqualTo(2);
    assertThat(err.toString()).contains("option --bridge needs HOST:PORT");
    err.reset();
    assertThat(fusebox("call", "catalog")).isEqualTo(2);
    assertThat(err.toString()).contains("needs a breaker and an operation");
    assertThat(err.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void presetsPrintsEveryPresetsValues() {
    assertThat(fusebox("presets")).isZero();
    assertThat(out.toString())
        .contains("aggressive:", "default:", "lenient:")
        .contains("consecutive_failures: { threshold: 3, noise_aware: true }")
        .contains("transitions: { open_timeout: 30s, enable_exponential_backoff: true, backoff_multiplier: 2.0, max_open_timeout: 45s, jitter: 0.0 }");
  }

  @Test
  void callWithoutABridgeSaysWhatIsMissing() {
    assertThat(fusebox("call", "catalog", "{\"path\":\"/\"}", "--bridge", "127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("cannot call catalog through the bridge at 127.0.0.1:1")
        .contains("fusebox.bridge.enabled: true");
  }

  @Test
  void reloadNeedsAReasonAndSaysWhenTheNodeCannotBeReached() {
    assertThat(fusebox("reload", "--token", "t")).isEqualTo(2);
    assertThat(err.toString()).contains("fusebox reload: needs --reason");
    err.reset();
    assertThat(fusebox("reload", "--reason", "test", "--token", "t", "--url", "http://127.0.0.1:1")).isEqualTo(1);
    assertThat(err.toString()).contains("cannot reach http://127.0.0.1:1").contains("is the node running?");
  }

  @Test
  void callRefusesAnOperationThatIsNotJson() {
    assertThat(fusebox("call", "catalog", "GET /")).isEqualTo(2);
    assertThat(err.toString()).contains("the operation must be a JSON object");
  }

  @Test
  void unknownCommandsAreNamedAndShowTheUsage() {
    assertThat(fusebox("explode")).isEqualTo(2);
    assertThat(err.toString()).startsWith("fusebox: unknown command explode").contains("usage: fusebox <command>");
  }
}
