package io.fusebox.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Prometheus's own linter of an exposition, {@code promtool check metrics}, as the tests run it. */
public final class Promtool {

  /** What promtool said, and whether it passed (exit 0). */
  public record Verdict(int exitCode, String output) {
    public boolean passed() {
      return exitCode == 0;
    }
  }

  private Promtool() {
  }

  public static Verdict checkMetrics(String exposition) throws IOException, InterruptedException {
    Path file = Files.createTempFile(Files.createDirectories(Path.of("target")), "metrics", ".prom");
    Files.writeString(file, exposition);
    Process promtool = new ProcessBuilder(binary("promtool"), "check", "metrics")
        .redirectInput(file.toFile()).redirectErrorStream(true).start();
    String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
      promtool.destroyForcibly();
      throw new IllegalStateException("promtool check metrics did not end within 30 s");
    }
    return new Verdict(promtool.exitValue(), output);
  }

  /** A program on the PATH; fails saying how to install it when it is not there. */
  public static String binary(String name) {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      if (new File(dir, name).canExecute()) {
        return new File(dir, name).getPath();
      }
    }
    throw new AssertionError(name + " is not installed: apt-get install prometheus (./test.sh and .ci/run do it)");
  }
}
