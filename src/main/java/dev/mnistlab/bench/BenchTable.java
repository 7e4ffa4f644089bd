package dev.mnistlab.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A {@link Bench.Report} as a Markdown table: medians, their range, and mnistlab ÷ PyTorch. */
public final class BenchTable {
  private BenchTable() {}

  /** The report as Markdown: a header naming the machine, then one row per measurement. */
  public static String markdown(Bench.Report report) {
    Map<String, Map<String, Bench.Measure>> rows = new LinkedHashMap<>();
    List<String> others = new ArrayList<>();
    for (Bench.Measure m : report.measures()) {
      rows.computeIfAbsent(m.what(), k -> new LinkedHashMap<>()).put(m.who(), m);
      if (!m.who().equals(Bench.MNISTLAB) && !others.contains(m.who())) {
        others.add(m.who());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Machine: %s; %d threads for every engine; this CPU's peak on %d cores ≈ %.0f GFLOP/s."
                + " Medians over the rounds (range in brackets).%n%n",
            report.machine(),
            report.threads(),
            report.threads(),
            report.peakGflops()));
    out.append("| measurement | unit | mnistlab |");
    others.forEach(o -> out.append(' ').append(o).append(" |"));
    others.forEach(o -> out.append(" mnistlab ÷ ").append(o).append(" |"));
    out.append(" note |\n|---|---|---:|");
    others.forEach(o -> out.append("---:|"));
    others.forEach(o -> out.append("---:|"));
    out.append("---|\n");
    for (Map.Entry<String, Map<String, Bench.Measure>> row : rows.entrySet()) {
      Bench.Measure ours = row.getValue().get(Bench.MNISTLAB);
      out.append("| ").append(row.getKey()).append(" | ").append(ours.unit()).append(" | ");
      out.append(cell(ours)).append(" |");
      StringBuilder notes = new StringBuilder(ours.note());
      for (String other : others) {
        Bench.Measure theirs = row.getValue().get(other);
        out.append(' ').append(theirs == null ? "" : cell(theirs)).append(" |");
        if (theirs != null && !theirs.note().isEmpty()) {
          notes
              .append(notes.length() == 0 ? "" : "; ")
              .append(other)
              .append(": ")
              .append(theirs.note());
        }
      }
      for (String other : others) {
        Bench.Measure theirs = row.getValue().get(other);
        out.append(' ')
            .append(theirs == null ? "" : ratio(ours.median(), theirs.median()))
            .append(" |");
      }
      if (ours.unit().equals("GFLOP/s") && report.peakGflops() > 0) {
        notes.append(
            String.format(
                Locale.ROOT, "%.1f%% of peak", 100 * ours.median() / report.peakGflops()));
      }
      out.append(' ').append(notes).append(" |\n");
    }
    return out.toString();
  }

  private static String ratio(double ours, double theirs) {
    double r = ours / theirs;
    return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2f×", r) : "—";
  }

  private static String cell(Bench.Measure m) {
    String median = number(m.median(), m.unit());
    if (m.values().size() < 2) {
      return median;
    }
    // A round without a value is a target not reached: it counts as slower than any that was
    // (Measure.median sorts it last) and is left out of the range, which says how many.
    double[] finite =
        m.values().stream()
            .mapToDouble(Double::doubleValue)
            .filter(v -> !Double.isNaN(v))
            .toArray();
    int missing = m.values().size() - finite.length;
    String notReached = missing == 0 ? "" : missing + " of " + m.values().size() + " not reached";
    if (finite.length == 0) {
      return median + " (" + notReached + ")";
    }
    double min = Arrays.stream(finite).min().orElseThrow();
    double max = Arrays.stream(finite).max().orElseThrow();
    return median
        + " ("
        + number(min, m.unit())
        + "–"
        + number(max, m.unit())
        + (missing == 0 ? "" : "; " + notReached)
        + ")";
  }

  private static String number(double v, String unit) {
    if (Double.isNaN(v)) {
      return "—";
    }
    String format =
        switch (unit) {
          case "images/s", "MiB", "images" -> "%,.0f";
          case "s" -> v < 10 ? "%.3f" : "%.1f";
          case "ms" -> "%.3f";
          case "MFLOP" -> "%.2f";
          default -> "%.1f";
        };
    return String.format(Locale.ROOT, format, v);
  }
}
