package io.fusebox.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of a run, scenario by scenario, each against its target; written as REPORT.md with its plots. */
final class Report {

  enum Verdict { MET, MISSED, MEASURED }

  record Figure(String what, String measured, String target, Verdict verdict) {
  }

  /** One scenario's part of the report. Scenarios that run side by side write to their own sections. */
  static final class Section {
    final int number;
    final String title;
    final String how;
    final List<Figure> figures = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final Map<String, String> plots = new LinkedHashMap<>();

    private Section(int number, String title, String how) {
      this.number = number;
      this.title = title;
      this.how = how;
    }

    synchronized void figure(String what, String measured, String target, boolean met) {
      figures.add(new Figure(what, measured, target, met ? Verdict.MET : Verdict.MISSED));
    }

    synchronized void measured(String what, String measured) {
      figures.add(new Figure(what, measured, "", Verdict.MEASURED));
    }

    synchronized void note(String text) {
      notes.add(text);
    }

    /** An SVG plot, written next to the report under {@code plots/}. */
    synchronized void plot(String file, String svg) {
      plots.put(file, svg);
    }

    synchronized List<Figure> figures() {
      return List.copyOf(figures);
    }
  }

  private final Map<Integer, Section> sections = new LinkedHashMap<>();

  synchronized Section section(int number, String title, String how) {
    return sections.computeIfAbsent(number, n -> new Section(n, title, how));
  }

  synchronized List<Section> sections() {
    return sections.values().stream().sorted((a, b) -> Integer.compare(a.number, b.number)).toList();
  }

  /** Every figure with a target that it missed, as "scenario: what (measured, target)". */
  List<String> misses() {
    List<String> misses = new ArrayList<>();
    for (Section s : sections()) {
      for (Figure f : s.figures()) {
        if (f.verdict() == Verdict.MISSED) {
          misses.add(s.number + ". " + s.title + ": " + f.what() + " (" + f.measured() + ", target " + f.target() + ")");
        }
      }
    }
    return misses;
  }

  void write(Path dir, Mode mode, Instant started, Duration took) throws IOException {
    Files.createDirectories(dir.resolve("plots"));
    StringBuilder md = new StringBuilder();
    md.append("# Fusebox reliability report\n\n");
    md.append("Mode **").append(mode.name()).append("**, run on ").append(started.truncatedTo(ChronoUnit.SECONDS))
        .append(" in ").append(took.toSeconds()).append(" s on ").append(Runtime.getRuntime().availableProcessors())
        .append(" cores, Java ").append(Runtime.version()).append(". Regenerate with `").append(mode.command())
        .append("`.\n\n");
    md.append("Every figure is measured from outside: real nodes (the fat jar, as users run it, one JVM each), ")
        .append("real dependencies (a local HTTP dependency simulator; PostgreSQL and Redis through a TCP fault proxy), ")
        .append("load through the TCP bridge. ").append(mode.scope()).append("\n\n");
    md.append("| # | scenario | figure | measured | target | |\n|---|---|---|---|---|---|\n");
    for (Section s : sections()) {
      for (Figure f : s.figures()) {
        md.append("| ").append(s.number).append(" | ").append(s.title).append(" | ").append(f.what()).append(" | ")
            .append(f.measured()).append(" | ").append(f.target()).append(" | ")
            .append(switch (f.verdict()) {
              case MET -> "met";
              case MISSED -> "**missed**";
              case MEASURED -> "";
            }).append(" |\n");
      }
    }
    for (Section s : sections()) {
      md.append("\n## ").append(s.number).append(". ").append(s.title).append("\n\n").append(s.how).append("\n");
      if (!s.notes.isEmpty()) {
        md.append("\n");
        for (String note : s.notes) {
          md.append("- ").append(note).append("\n");
        }
      }
      for (Map.Entry<String, String> plot : s.plots.entrySet()) {
        Files.writeString(dir.resolve("plots").resolve(plot.getKey()), plot.getValue());
        md.append("\n![").append(plot.getKey()).append("](plots/").append(plot.getKey()).append(")\n");
      }
    }
    Files.writeString(dir.resolve("REPORT.md"), md.toString());
  }
}
