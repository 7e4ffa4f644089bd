package dev.mnistlab.report;

import dev.mnistlab.config.ConfigDiff;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Several runs side by side: one table (model, trainable parameters, the recipe fields that differ
 * between them, best and last-3-minimum test accuracy, training time) and their test accuracy and
 * test loss overlaid. A run may be a {@code train --seeds} directory: it then counts as one row,
 * its figures the mean over its seeds (the lowest seed's beside), its curves the per-epoch mean.
 * Reads metrics and configurations only: nothing is trained or classified.
 */
public final class Comparison {
  private Comparison() {}

  /**
   * One compared run.
   *
   * @param name what the table and legends call it (its directory's name, made unique)
   * @param seeds the seeds it holds (one for a plain run)
   * @param fields its configuration as dotted fields ({@code schedule.max_lr}), seeds as {@code
   *     seed}
   * @param best best test accuracy, mean over seeds
   * @param bestLowest the lowest seed's best test accuracy
   * @param lastMin the lowest test accuracy of the last {@code lastN} epochs, mean over seeds
   * @param lastMinLowest the lowest seed's
   * @param lastN epochs those look at: 3, or fewer in a shorter run
   * @param seconds training time of one seed's run (mean), evaluation excluded
   * @param mean the per-epoch mean over seeds, as drawn
   * @param settings the first seed's settings and limits against the default recipe
   */
  public record Entry(
      String name,
      Path dir,
      String model,
      long trainableParams,
      List<Long> seeds,
      Map<String, String> fields,
      double best,
      double bestLowest,
      double lastMin,
      double lastMinLowest,
      int lastN,
      double seconds,
      List<EpochMetrics> mean,
      RunSettings settings) {}

  /**
   * The comparison and where it was written.
   *
   * @param differing the configuration fields whose values differ between the runs, as shown
   * @param table the table, as printed and written
   * @param files the Markdown and HTML files
   * @param skipped one line per path, or run in a path, left out, and why
   */
  public record Result(
      List<Entry> entries,
      List<String> differing,
      Document.Table table,
      List<Path> files,
      List<String> skipped) {}

  /**
   * Compares the runs {@code paths} name and writes {@code compare.md}, {@code compare-images/} and
   * {@code compare.html} into {@code out}. A path may be a run, a directory of seed-N runs, or a
   * directory holding such directories ({@code compare runs/}): each run or seeds directory in it
   * is one row, and what is neither (compare's own output, notes) is skipped with a line. A run
   * still training or interrupted is compared on the epochs it has finished, and says so.
   *
   * @throws UsageException when nothing among {@code paths} can be compared, saying why for each
   */
  public static Result of(List<Path> paths, Path out) {
    if (paths.isEmpty()) {
      throw new UsageException("name at least one run directory to compare");
    }
    List<String> skipped = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new LinkedHashSet<>();
    for (Path dir : comparable(paths, skipped)) {
      entry(dir, names, skipped).ifPresent(entries::add);
    }
    if (entries.isEmpty()) {
      throw new UsageException("nothing to compare: " + String.join("; ", skipped));
    }
    List<String> differing = differing(entries);
    Document.Table table = table(entries, differing);
    Document doc = new Document("Comparison of " + entries.size() + " runs");
    List<String> limited =
        entries.stream()
            .filter(e -> e.settings().limited())
            .map(e -> e.name() + ": " + String.join("; ", e.settings().limits()))
            .toList();
    if (!limited.isEmpty()) {
      doc.add(
          new Document.Warning(
              "⚠ Smoke runs ("
                  + String.join(" · ", limited)
                  + "): fewer images or epochs than the default recipe; not comparable with full"
                  + " runs."));
    }
    doc.add(
        new Document.Paragraph(
            "Runs: "
                + entries.stream()
                    .map(e -> e.name() + " = " + e.dir())
                    .collect(Collectors.joining("; "))
                + "."));
    doc.add(
        new Document.Paragraph(
            differing.isEmpty()
                ? "The runs share every recipe field."
                : "Only the recipe fields that differ between the runs are shown; the others are"
                    + " the same for all."));
    doc.add(table);
    if (entries.stream().anyMatch(e -> e.seeds().size() > 1)) {
      doc.add(
          new Document.Paragraph(
              "A seeds directory is one row: its figures are the mean over its seeds, the lowest"
                  + " seed's in brackets; its curves are the mean over seeds, epoch by epoch;"
                  + " its time is one seed's run, on average."));
    }
    List<Charts.Curve> curves =
        entries.stream()
            .map(
                e ->
                    new Charts.Curve(
                        e.seeds().size() > 1
                            ? e.name() + " (mean of " + e.seeds().size() + " seeds)"
                            : e.name(),
                        e.mean()))
            .toList();
    doc.add(
        new Document.Image(
            "test-accuracy.png",
            "test accuracy of the compared runs",
            Charts.accuracyCurves("Test accuracy", curves, Charts.Lines.TEST_ONLY)));
    doc.add(
        new Document.Image(
            "test-loss.png",
            "test loss of the compared runs",
            Charts.lossCurves("Test loss", curves, Charts.Lines.TEST_ONLY)));
    try {
      return new Result(entries, differing, table, doc.write(out, "compare"), skipped);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the comparison into " + out, e);
    }
  }

  /**
   * The runs and seeds directories {@code paths} name: each itself when it is one, else the ones
   * directly inside it; anything else goes to {@code skipped} with the reason.
   */
  private static List<Path> comparable(List<Path> paths, List<String> skipped) {
    List<Path> out = new ArrayList<>();
    for (Path path : paths) {
      if (!RunDirectory.runsIn(path).isEmpty()) {
        out.add(path);
        continue;
      }
      if (!Files.isDirectory(path)) {
        skipped.add(path + ": " + (Files.exists(path) ? "not a directory" : "does not exist"));
        continue;
      }
      List<Path> children;
      try (Stream<Path> list = Files.list(path)) {
        children = list.filter(Files::isDirectory).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + path, e);
      }
      int before = out.size();
      for (Path child : children) {
        if (RunDirectory.runsIn(child).isEmpty()) {
          skipped.add(child + ": not a run directory nor a directory of seed-N runs");
        } else {
          out.add(child);
        }
      }
      if (out.size() == before) {
        skipped.add(path + ": holds no run directory nor directory of seed-N runs");
      }
    }
    return out;
  }

  /**
   * One row: a run, or a seeds directory's runs, on the epochs each has finished; runs that have
   * none, or cannot be read, are left out with a line in {@code skipped}.
   */
  private static java.util.Optional<Entry> entry(
      Path dir, Set<String> names, List<String> skipped) {
    List<RunDirectory> runs = new ArrayList<>();
    List<RunResult> results = new ArrayList<>();
    List<String> unfinished = new ArrayList<>();
    for (RunDirectory run : RunDirectory.runsIn(dir)) {
      try {
        results.add(run.readResultSoFar());
        runs.add(run);
        if (!run.isComplete()) {
          unfinished.add(run.status().describe());
        }
      } catch (RuntimeException e) {
        skipped.add(Reasons.oneLine(e));
      }
    }
    if (runs.isEmpty()) {
      return java.util.Optional.empty();
    }
    TrainConfig config = runs.get(0).readConfig();
    Map<String, String> fields = ConfigDiff.flatten(config);
    fields.remove("seed");
    // A seeds directory's seeds stand in its seed field, so runs of other seeds show as differing.
    fields.put(
        "seed",
        results.stream().map(r -> Long.toString(r.seed())).collect(Collectors.joining(",")));
    String base = dir.toAbsolutePath().normalize().getFileName().toString();
    if (!unfinished.isEmpty()) {
      // Its figures are those of the epochs so far: the name says so wherever it appears.
      base +=
          runs.size() == 1
              ? " (" + unfinished.get(0) + ")"
              : " (" + (runs.size() - unfinished.size()) + " of " + runs.size() + " complete)";
    }
    String name = base;
    for (int k = 2; !names.add(name); k++) {
      name = base + " (" + k + ")";
    }
    RunResult first = results.get(0);
    int lastN = results.stream().mapToInt(Analysis::lastN).min().orElse(1);
    List<Double> bests = results.stream().map(RunResult::bestTestAccuracy).toList();
    List<Double> lastMins = results.stream().map(r -> r.minTestAccuracyOfLast(lastN)).toList();
    return java.util.Optional.of(
        new Entry(
            name,
            dir,
            first.model(),
            first.trainableParams(),
            results.stream().map(RunResult::seed).toList(),
            fields,
            mean(bests),
            bests.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
            mean(lastMins),
            lastMins.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
            lastN,
            mean(
                results.stream()
                    .map(r -> r.epochs().stream().mapToDouble(EpochMetrics::seconds).sum())
                    .toList()),
            meanCurve(results),
            RunSettings.of(config, first, RunSettings.Reference.defaults(), 0)));
  }

  /** The fields, in configuration order, whose values are not the same in every entry. */
  private static List<String> differing(List<Entry> entries) {
    Set<String> all = new LinkedHashSet<>();
    entries.forEach(e -> all.addAll(e.fields().keySet()));
    List<String> out = new ArrayList<>();
    for (String field : all) {
      if (field.equals("model")) {
        continue;
      }
      String first = entries.get(0).fields().get(field);
      if (entries.stream().anyMatch(e -> !Objects.equals(first, e.fields().get(field)))) {
        out.add(field);
      }
    }
    return out;
  }

  private static Document.Table table(List<Entry> entries, List<String> differing) {
    int lastN = entries.stream().mapToInt(Entry::lastN).min().orElse(3);
    List<String> headers = new ArrayList<>(List.of("run", "model", "params"));
    headers.addAll(differing);
    headers.addAll(
        List.of(
            "best test %",
            (lastN == 1 ? "only epoch" : "min of last " + lastN) + " test %",
            "train time",
            "full or smoke"));
    boolean[] right = new boolean[headers.size()];
    right[2] = true;
    for (int c = 3 + differing.size(); c < 3 + differing.size() + 3; c++) {
      right[c] = true;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Entry e : entries) {
      List<String> row =
          new ArrayList<>(List.of(e.name(), e.model(), Plain.count(e.trainableParams())));
      for (String field : differing) {
        row.add(Objects.requireNonNullElse(e.fields().get(field), "—"));
      }
      boolean seeds = e.seeds().size() > 1;
      row.add(pct(e.best()) + (seeds ? " (" + pct(e.bestLowest()) + ")" : ""));
      row.add(
          pct(e.lastMin())
              + (seeds ? " (" + pct(e.lastMinLowest()) + ")" : "")
              + (e.lastN() > lastN ? ", last " + e.lastN() : ""));
      row.add(duration(e.seconds()));
      row.add(e.settings().cell());
      rows.add(row);
    }
    return new Document.Table(headers, right, rows);
  }

  /** Per epoch, the mean over the runs that reached it, up to the shortest run's last epoch. */
  private static List<EpochMetrics> meanCurve(List<RunResult> runs) {
    if (runs.size() == 1) {
      return runs.get(0).epochs();
    }
    int epochs = runs.stream().mapToInt(r -> r.epochs().size()).min().orElse(0);
    List<EpochMetrics> mean = new ArrayList<>();
    for (int i = 0; i < epochs; i++) {
      int k = i;
      List<EpochMetrics> at = runs.stream().map(r -> r.epochs().get(k)).toList();
      mean.add(
          new EpochMetrics(
              at.get(0).epoch(),
              avg(at, EpochMetrics::lr),
              avg(at, EpochMetrics::trainLoss),
              avg(at, EpochMetrics::trainAcc),
              avg(at, EpochMetrics::testLoss),
              avg(at, EpochMetrics::testAcc),
              avg(at, EpochMetrics::seconds),
              avg(at, EpochMetrics::imagesPerSecond)));
    }
    return mean;
  }

  private static double avg(
      List<EpochMetrics> at, java.util.function.ToDoubleFunction<EpochMetrics> f) {
    return at.stream().mapToDouble(f).average().orElse(Double.NaN);
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private static String pct(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** {@code 42 s}, {@code 3 min 05 s}, {@code 1 h 02 min}. */
  static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}
