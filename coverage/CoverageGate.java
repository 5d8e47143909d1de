import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads JaCoCo's aggregate CSV, prints line and branch coverage per module and in all, and fails
 * the build when the lines covered in all fall under the minimum. Run by the build as a single-file
 * program: java CoverageGate.java jacoco.csv 0.80
 */
public final class CoverageGate {

  public static void main(String[] args) throws Exception {
    Path csv = Path.of(args[0]);
    double minimum = Double.parseDouble(args[1]);
    if (!Files.exists(csv)) {
      System.err.println("coverage: no " + csv + " (did the tests run?)");
      System.exit(1);
    }
    // GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,LINE_MISSED,LINE_COVERED,...
    Map<String, long[]> modules = new TreeMap<>();
    List<String> lines = Files.readAllLines(csv);
    for (String row : lines.subList(1, lines.size())) {
      String[] f = row.split(",");
      // the group is "<aggregating project>/<module>": the module is what a reader looks for
      long[] m = modules.computeIfAbsent(f[0].substring(f[0].lastIndexOf('/') + 1), k -> new long[4]);
      m[0] += Long.parseLong(f[7]);
      m[1] += Long.parseLong(f[8]);
      m[2] += Long.parseLong(f[5]);
      m[3] += Long.parseLong(f[6]);
    }
    long[] all = new long[4];
    System.out.println("coverage (lines, branches):");
    for (Map.Entry<String, long[]> e : modules.entrySet()) {
      long[] m = e.getValue();
      for (int i = 0; i < 4; i++) {
        all[i] += m[i];
      }
      System.out.println(String.format(Locale.ROOT, "  %-28s %6.1f%%  %6.1f%%", e.getKey(), percent(m[0], m[1]),
          percent(m[2], m[3])));
    }
    double lineRatio = (double) all[1] / (all[0] + all[1]);
    System.out.println(String.format(Locale.ROOT, "  %-28s %6.1f%%  %6.1f%%", "all", 100 * lineRatio,
        percent(all[2], all[3])));
    if (lineRatio < minimum) {
      System.err.println(String.format(Locale.ROOT, "coverage: %.1f%% of lines covered, under the minimum of %.0f%%",
          100 * lineRatio, 100 * minimum));
      System.exit(1);
    }
  }

  private static double percent(long missed, long covered) {
    return missed + covered == 0 ? 100.0 : 100.0 * covered / (missed + covered);
  }
}
