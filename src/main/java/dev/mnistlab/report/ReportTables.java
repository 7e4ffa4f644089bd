package dev.mnistlab.report;

import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.report.ReportData.StepReport;
import dev.mnistlab.run.Consistency;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The tables of a report that {@link ReportBuilder} lays out: the summary over steps, the author's
 * figures beside ours, the consistency over seeds and a model's layers. Apart from the builder
 * because they are where the figures are worded (percentages, "last N" labels, verdicts), while the
 * builder decides what goes where.
 */
final class ReportTables {
  private ReportTables() {}

  /**
   * The source's own figures beside the spread of mnistlab's runs over seeds, step by step, with a
   * verdict per claim ({@link Reproduction}).
   */
  static Document.Table reportedTable(List<StepReport> steps) {
    List<List<String>> rows = new ArrayList<>();
    for (StepReport s : steps) {
      Experiment.Reported r = s.step().reported();
      String notRun = "not run";
      Reproduction m = s.runs().isEmpty() ? null : Reproduction.of(r, s.runs());
      // A step of mnistlab's own (a fix) claims nothing of the author's: no verdicts to give.
      boolean claims = !r.equals(Experiment.Reported.NONE);
      rows.add(
          List.of(
              s.step().name(),
              m == null ? "0" : Integer.toString(m.seeds()),
              (r.params() == null ? "—" : Plain.count(r.params()))
                  + " / "
                  + Plain.count(s.summary().trainableParams()),
              r.bestTrain() == null ? "—" : pct(r.bestTrain()),
              m == null
                  ? notRun
                  : m.bestTrain().text() + (claims ? " · " + m.bestTrainVerdict() : ""),
              r.bestTest() == null ? "—" : pct(r.bestTest()),
              m == null
                  ? notRun
                  : m.bestTest().text() + (claims ? " · **" + m.bestTestVerdict() + "**" : ""),
              m == null ? notRun : m.minLast3().text(),
              m == null ? notRun : m.holdingText(),
              r.heldFrom() == null ? "—" : Integer.toString(r.heldFrom()),
              m == null
                  ? notRun
                  : m.heldText() + (r.heldFrom() == null ? "" : " · **" + m.heldVerdict() + "**"),
              runKind(s)));
    }
    return new Document.Table(
        List.of(
            "step",
            "seeds",
            "params reported / here",
            "best train reported",
            "best train here (each seed's best)",
            "best test reported",
            "best test here (each seed's best)",
            "min of last 3 here",
            "seeds ≥ 99.40 in each of the last 3",
            "≥ 99.40 held from epoch, reported",
            "held from epoch here, per seed",
            "run here"),
        new boolean[] {
          false, true, true, true, false, true, false, false, true, true, false, false
        },
        rows);
  }

  /** The lowest test accuracy of the last 3 epochs, saying so when a run had fewer. */
  private static String lastMin(RunResult run) {
    int n = Analysis.lastN(run);
    return pct(run.minTestAccuracyOfLast(n)) + (n < 3 ? " (" + Analysis.lastLabel(run) + ")" : "");
  }

  /** "full", or the smoke-run warning: shown wherever a step's figures stand. */
  private static String runKind(StepReport s) {
    if (s.settings() == null) {
      return "not run";
    }
    return s.settings().cell();
  }

  /**
   * One row per step: how it ran, its parameters, best accuracies, when it reached the target, the
   * final gap, the median seconds per epoch and the analysis.
   */
  static Document.Table summaryTable(List<StepReport> steps) {
    boolean targets = steps.stream().anyMatch(s -> !s.step().target().isEmpty());
    List<List<String>> rows = new ArrayList<>();
    for (StepReport s : steps) {
      List<String> row = new ArrayList<>();
      row.add(s.step().name());
      if (targets) {
        row.add(s.step().target());
      }
      row.add(runKind(s));
      row.add(Plain.count(s.summary().trainableParams()));
      if (s.runs().isEmpty()) {
        row.addAll(List.of("—", "—", "—", "—", "—", "—"));
      } else {
        RunResult r = s.runs().get(0);
        EpochMetrics bestTest =
            r.epochs().stream().max(Comparator.comparingDouble(EpochMetrics::testAcc)).get();
        Consistency c = Consistency.of(s.runs(), Analysis.TARGET);
        Consistency.Seed first = c.seeds().get(0);
        row.add(pct(r.bestTrainAccuracy()));
        row.add(pct(bestTest.testAcc()) + " (" + bestTest.epoch() + ")");
        row.add(
            first.firstEpochAtTarget() == 0 ? "—" : Integer.toString(first.firstEpochAtTarget()));
        row.add(lastAtTarget(s.runs()));
        row.add(String.format(Locale.ROOT, "%+.2f", Analysis.gap(r.last())));
        row.add(
            String.format(
                Locale.ROOT,
                "%.1f",
                r.epochs().stream()
                    .mapToDouble(EpochMetrics::seconds)
                    .sorted()
                    .skip(r.epochs().size() / 2)
                    .findFirst()
                    .orElse(0)));
      }
      String author = s.step().analysis();
      row.add(
          (author.isEmpty() ? "" : "Author: " + author + " ")
              + "Computed: "
              + String.join(" ", s.analysis()));
      rows.add(row);
    }
    List<String> headers = new ArrayList<>(List.of("step"));
    if (targets) {
      headers.add("target");
    }
    headers.addAll(
        List.of(
            "run",
            "params",
            "best train %",
            "best test % (epoch)",
            "first epoch ≥ 99.40",
            "last 3 ≥ 99.40",
            "final gap",
            "s/epoch",
            "analysis"));
    boolean[] right = new boolean[headers.size()];
    for (int c = 0; c < headers.size(); c++) {
      right[c] = c >= headers.indexOf("params") && c < headers.indexOf("analysis");
    }
    return new Document.Table(headers, right, rows);
  }

  /**
   * "3/3" for the first seed's last 3 epochs at the target ("2/2 (last 2)" for a 2-epoch run), then
   * with several seeds how many held it in each of theirs.
   */
  private static String lastAtTarget(List<RunResult> runs) {
    RunResult r = runs.get(0);
    int n = Analysis.lastN(r);
    String first =
        Analysis.lastAtTarget(r, Analysis.TARGET)
            + "/"
            + n
            + (n < 3 ? " (" + Analysis.lastLabel(r) + ")" : "");
    if (runs.size() == 1) {
      return first;
    }
    long held = runs.stream().filter(Analysis::heldLast).count();
    return first + "; " + held + "/" + runs.size() + " seeds all";
  }

  /**
   * Per seed: best, final, the lowest of the last 3 epochs and how many of them reached the target
   * (labelled "last N" when a run had fewer), then min, mean and std over seeds.
   */
  static void consistency(Document doc, List<RunResult> runs) {
    Consistency c = Consistency.of(runs, Analysis.TARGET);
    String label = Analysis.lastLabel(runs.get(0));
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      RunResult r = runs.get(i);
      Consistency.Seed seed = c.seeds().get(i);
      rows.add(
          List.of(
              Long.toString(r.seed()),
              pct(seed.best()),
              pct(seed.last()),
              lastMin(r),
              seed.firstEpochAtTarget() == 0
                  ? "never"
                  : Integer.toString(seed.firstEpochAtTarget()),
              Analysis.lastAtTarget(r, Analysis.TARGET) + "/" + Analysis.lastN(r)));
    }
    rows.add(statRow("min", c, Consistency.Stats::min));
    rows.add(statRow("mean", c, Consistency.Stats::mean));
    rows.add(statRow("std", c, Consistency.Stats::std));
    String target = String.format(Locale.ROOT, "%.2f", Analysis.TARGET);
    doc.add(
        new Document.Table(
            List.of(
                "seed",
                "best %",
                "final %",
                "min of " + label + " %",
                "first epoch ≥ " + target,
                label + " ≥ " + target),
            new boolean[] {true, true, true, true, true, true},
            rows));
    boolean all = runs.stream().allMatch(Analysis::heldLast);
    doc.add(
        new Document.Paragraph(
            "Consistently ≥ "
                + target
                + "% (every seed, each of its "
                + label
                + " epochs): "
                + (all ? "yes" : "no")
                + "."));
  }

  /** One statistic over seeds of the best, final and last-3 minimum accuracies. */
  private static List<String> statRow(
      String name, Consistency c, ToDoubleFunction<Consistency.Stats> stat) {
    return List.of(
        name,
        pct(stat.applyAsDouble(c.best())),
        pct(stat.applyAsDouble(c.last())),
        pct(stat.applyAsDouble(c.minLast3())),
        "",
        "");
  }

  /** A model's layers with their output shape, parameters, receptive field, jump and MACs. */
  static Document.Table layerTable(ModelSummary summary) {
    List<List<String>> rows = new ArrayList<>();
    for (ModelSummary.Row r : summary.rows()) {
      rows.add(
          List.of(
              Integer.toString(r.index()),
              r.layer(),
              r.output(),
              String.format(Locale.ROOT, "%,d", r.trainableParams()),
              Integer.toString(r.receptiveField()),
              Integer.toString(r.jump()),
              String.format(Locale.ROOT, "%,d", r.macs())));
    }
    return new Document.Table(
        List.of("#", "layer", "output", "params", "RF", "jump", "MACs"),
        new boolean[] {true, false, false, true, true, true, true},
        rows);
  }

  private static String pct(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
