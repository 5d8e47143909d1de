package io.fusebox.testkit;

import java.util.List;
import java.util.Locale;

/**
 * A plain SVG chart of per-second series over time, with the breaker's state as a band on top:
 * enough to see when a breaker opened and what callers got meanwhile, with no plotting library.
 * The reliability suite and the benchmarks draw their plots with it.
 */
public final class SvgChart {

  public record Series(String name, String color, double[] values) {
  }

  /** A stretch of time in one breaker state, in seconds from the chart's start. */
  public record Band(double from, double to, String state) {
  }

  private static final int WIDTH = 900;
  private static final int HEIGHT = 320;
  private static final int LEFT = 60;
  private static final int RIGHT = 150;
  private static final int TOP = 40;
  private static final int BOTTOM = 40;

  private SvgChart() {
  }

  /** Points one second apart. */
  public static String timeSeries(String title, String yLabel, List<Series> series, List<Band> bands) {
    return timeSeries(title, yLabel, series, bands, 1.0);
  }

  /** Points {@code secondsPerPoint} apart; bands in seconds. */
  public static String timeSeries(String title, String yLabel, List<Series> series, List<Band> bands, double secondsPerPoint) {
    int points = Math.max(1, series.stream().mapToInt(s -> s.values().length).max().orElse(1));
    double seconds = points * secondsPerPoint;
    double max = series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.values())).max().orElse(1);
    max = max <= 0 ? 1 : niceCeiling(max);
    double plotW = WIDTH - LEFT - RIGHT;
    double plotH = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        WIDTH, HEIGHT));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>%n", LEFT, escape(title)));
    for (Band band : bands) {
      double x = LEFT + plotW * Math.min(band.from(), seconds) / seconds;
      double w = Math.max(1, plotW * (Math.min(band.to(), seconds) - Math.min(band.from(), seconds)) / seconds);
      svg.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"10\" fill=\"%s\"><title>%s</title></rect>%n",
          x, TOP - 14, w, stateColor(band.state()), band.state()));
    }
    for (int i = 0; i <= 4; i++) {
      double y = TOP + plotH - plotH * i / 4;
      svg.append(String.format(Locale.ROOT,
          "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
          LEFT, y, LEFT + plotW, y, LEFT - 6, y + 4, format(max * i / 4)));
    }
    for (int i = 0; i <= 5; i++) {
      double x = LEFT + plotW * i / 5;
      long at = Math.round(seconds * i / 5);
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          x, HEIGHT - BOTTOM + 16, seconds >= 600 ? (at / 60) + "min" : at + "s"));
    }
    svg.append(String.format(Locale.ROOT,
        "<text x=\"14\" y=\"%.1f\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">%s</text>%n",
        TOP + plotH / 2, TOP + plotH / 2, escape(yLabel)));
    int legend = 0;
    for (Series s : series) {
      StringBuilder line = new StringBuilder();
      for (int t = 0; t < s.values().length; t++) {
        double x = LEFT + plotW * (t + 0.5) / points;
        double y = TOP + plotH - plotH * Math.min(s.values()[t], max) / max;
        line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n",
          s.color(), line.toString().trim()));
      double ly = TOP + 16 * legend++;
      svg.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>%n",
          LEFT + plotW + 12, ly, s.color(), LEFT + plotW + 30, ly + 5, escape(s.name())));
    }
    double ly = TOP + 16 * legend + 8;
    for (String state : List.of("closed", "open", "half_open")) {
      svg.append(String.format(Locale.ROOT,
          "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>%n",
          LEFT + plotW + 12, ly - 4, stateColor(state), LEFT + plotW + 30, ly + 5, state));
      ly += 16;
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static String stateColor(String state) {
    return switch (state) {
      case "closed" -> "#4caf50";
      case "open", "forced_open" -> "#e53935";
      case "half_open" -> "#fb8c00";
      default -> "#9e9e9e";
    };
  }

  private static double niceCeiling(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= v) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String format(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
