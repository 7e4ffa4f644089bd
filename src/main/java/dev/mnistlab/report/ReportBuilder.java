package dev.mnistlab.report;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Split;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.experiment.ExperimentParser;
import dev.mnistlab.experiment.ExperimentRunner;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.train.Consistency;
import dev.mnistlab.train.EpochMetrics;
import dev.mnistlab.train.RunDirectory;
import dev.mnistlab.train.RunResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Builds an experiment's report from its output directory alone: the saved experiment, each step's
 * run directories and trained weights. Nothing is trained; the test set is classified again for the
 * confusion matrix and the gallery of mistakes.
 */
public final class ReportBuilder {
  private static final int GALLERY = 24;

  private ReportBuilder() {}

  /**
   * One step as the report shows it.
   *
   * @param runs complete runs, one per seed, in seed order (empty when not run yet)
   * @param summary the model's layer table
   * @param predictions the first run's test-set predictions, or null when not run yet
   * @param analysis the computed analysis, sentence by sentence
   */
  public record StepReport(
      int index,
      Experiment.Step step,
      List<RunResult> runs,
      ModelSummary summary,
      Evaluator.Predictions predictions,
      List<String> analysis) {}

  /**
   * The report's content and where it was written.
   *
   * @param files the Markdown and HTML files
   */
  public record Report(Experiment experiment, List<StepReport> steps, List<Path> files) {}

  /**
   * Reads {@code dir} (written by {@code experiment run}) and writes {@code report.md}, {@code
   * report-images/} and {@code report.html} into it.
   *
   * @param data loads the test set a step's configuration names
   * @throws IllegalArgumentException when {@code dir} holds no experiment
   */
  public static Report build(Path dir, Function<Dataset, DataStore.Loaded> data) {
    Path file = dir.resolve(ExperimentRunner.EXPERIMENT_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          dir + ": no " + ExperimentRunner.EXPERIMENT_FILE + " (run `mnistlab experiment run`)");
    }
    Experiment experiment;
    try {
      experiment = ExperimentParser.parse(Files.readString(file), file.toString(), dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<StepReport> steps = new ArrayList<>();
    for (int i = 0; i < experiment.steps().size(); i++) {
      Experiment.Step step = experiment.steps().get(i);
      List<RunResult> runs = completeRuns(dir.resolve(ExperimentRunner.stepDirName(i, step)));
      ModelSpec spec = ModelZoo.resolve(step.config().model());
      Evaluator.Predictions predictions = null;
      if (!runs.isEmpty()) {
        DataStore.Loaded loaded = data.apply(Dataset.parse(step.config().dataset()));
        predictions = predict(runs.get(0).runDir(), loaded.test());
      }
      StepReport previous = i == 0 ? null : steps.get(i - 1);
      List<String> analysis =
          Analysis.of(
              step,
              runs,
              previous == null ? null : previous.step(),
              previous == null ? List.of() : previous.runs());
      steps.add(new StepReport(i + 1, step, runs, ModelSummary.of(spec), predictions, analysis));
    }
    Document document = document(experiment, steps, data);
    try {
      return new Report(experiment, steps, document.write(dir, "report"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir, e);
    }
  }

  private static List<RunResult> completeRuns(Path stepDir) {
    return RunDirectory.completeRunsIn(stepDir).stream()
        .map(RunDirectory::readMetrics)
        .sorted(Comparator.comparingLong(RunResult::seed))
        .toList();
  }

  private static Evaluator.Predictions predict(Path runDir, Split test) {
    try (TrainedModel trained = RunDirectory.openComplete(runDir).loadTrained()) {
      return Evaluator.predict(trained, test);
    }
  }

  private static Document document(
      Experiment experiment, List<StepReport> steps, Function<Dataset, DataStore.Loaded> data) {
    Document doc = new Document(experiment.title());
    if (!experiment.source().isEmpty()) {
      doc.add(new Document.Paragraph("Source: " + experiment.source()));
    }
    if (!experiment.description().isEmpty()) {
      doc.add(new Document.Paragraph(experiment.description()));
    }
    doc.add(new Document.Heading(2, "Summary"));
    doc.add(summaryTable(steps));
    List<Charts.Point> points = new ArrayList<>();
    for (StepReport s : steps) {
      if (!s.runs().isEmpty()) {
        points.add(
            new Charts.Point(
                s.step().name(),
                s.runs().get(0).trainableParams(),
                s.runs().get(0).bestTestAccuracy()));
      }
    }
    if (!points.isEmpty()) {
      doc.add(
          new Document.Image(
              "accuracy-vs-parameters.png",
              "best test accuracy against trainable parameters",
              Charts.accuracyVsParameters("Best test accuracy vs parameters", points)));
    }
    if (steps.stream().anyMatch(s -> !s.step().reported().equals(Experiment.Reported.NONE))) {
      doc.add(new Document.Heading(2, "Reported by the original author, and measured here"));
      doc.add(reportedTable(steps));
    }
    for (StepReport s : steps) {
      stepSection(doc, s, data);
    }
    return doc;
  }

  /** The source's own figures beside mnistlab's, step by step (first seed). */
  private static Document.Table reportedTable(List<StepReport> steps) {
    List<List<String>> rows = new ArrayList<>();
    for (StepReport s : steps) {
      Experiment.Reported r = s.step().reported();
      RunResult run = s.runs().isEmpty() ? null : s.runs().get(0);
      rows.add(
          List.of(
              s.step().name(),
              r.params() == null ? "—" : String.format(Locale.ROOT, "%,d", r.params()),
              String.format(Locale.ROOT, "%,d", s.summary().trainableParams()),
              r.bestTrain() == null ? "—" : pct(r.bestTrain()),
              run == null
                  ? "not run"
                  : pct(run.epochs().stream().mapToDouble(EpochMetrics::trainAcc).max().orElse(0)),
              r.bestTest() == null ? "—" : pct(r.bestTest()),
              run == null ? "not run" : pct(run.bestTestAccuracy()),
              run == null ? "not run" : pct(run.minTestAccuracyOfLast(3))));
    }
    return new Document.Table(
        List.of(
            "step",
            "params reported",
            "params here",
            "best train reported",
            "best train here",
            "best test reported",
            "best test here",
            "last-3 min here"),
        new boolean[] {false, true, true, true, true, true, true, true},
        rows);
  }

  private static Document.Table summaryTable(List<StepReport> steps) {
    List<List<String>> rows = new ArrayList<>();
    for (StepReport s : steps) {
      List<String> row = new ArrayList<>();
      row.add(s.step().name());
      row.add(s.step().target());
      row.add(String.format(Locale.ROOT, "%,d", s.summary().trainableParams()));
      if (s.runs().isEmpty()) {
        row.addAll(List.of("—", "—", "—", "—", "—", "—"));
      } else {
        RunResult r = s.runs().get(0);
        EpochMetrics bestTest =
            r.epochs().stream().max(Comparator.comparingDouble(EpochMetrics::testAcc)).get();
        Consistency c = Consistency.of(s.runs(), Analysis.TARGET);
        Consistency.Seed first = c.seeds().get(0);
        row.add(pct(r.epochs().stream().mapToDouble(EpochMetrics::trainAcc).max().orElse(0)));
        row.add(pct(bestTest.testAcc()) + " (" + bestTest.epoch() + ")");
        row.add(
            first.firstEpochAtTarget() == 0 ? "—" : Integer.toString(first.firstEpochAtTarget()));
        row.add(
            s.runs().size() == 1
                ? first.last3AtTarget() + "/3"
                : first.last3AtTarget()
                    + "/3; "
                    + c.seeds().stream().filter(x -> x.last3AtTarget() == 3).count()
                    + "/"
                    + s.runs().size()
                    + " seeds 3/3");
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
    return new Document.Table(
        List.of(
            "step",
            "target",
            "params",
            "best train %",
            "best test % (epoch)",
            "first epoch ≥ 99.40",
            "last 3 ≥ 99.40",
            "final gap",
            "s/epoch",
            "analysis"),
        new boolean[] {false, false, true, true, true, true, true, true, true, false},
        rows);
  }

  /** " · trained on ..." naming the computers the runs recorded, or nothing when none did. */
  private static String machines(List<RunResult> runs) {
    List<String> names =
        runs.stream().map(RunResult::machine).filter(m -> m != null).distinct().toList();
    return names.isEmpty() ? "" : " · trained on " + String.join("; ", names);
  }

  private static void stepSection(
      Document doc, StepReport s, Function<Dataset, DataStore.Loaded> data) {
    String title = s.step().name();
    String slug = String.format(Locale.ROOT, "step%02d", s.index());
    doc.add(new Document.Heading(2, title));
    if (!s.step().target().isEmpty()) {
      doc.add(new Document.Paragraph("Target: " + s.step().target()));
    }
    doc.add(
        new Document.Paragraph(
            "Model "
                + s.step().config().model()
                + " · "
                + s.step().config().epochs()
                + " epochs · batch "
                + s.step().config().batchSize()
                + " · "
                + s.step().config().optimizer().type()
                + " · schedule "
                + s.step().config().schedule().type()
                + (s.runs().isEmpty()
                    ? ""
                    : " · seeds "
                        + s.runs().stream().map(r -> Long.toString(r.seed())).toList()
                        + machines(s.runs()))));
    if (!s.step().analysis().isEmpty()) {
      doc.add(new Document.Paragraph("Author's analysis: " + s.step().analysis()));
    }
    doc.add(new Document.Bullets(s.analysis()));
    doc.add(new Document.Heading(3, "Model"));
    doc.add(layerTable(s.summary()));
    doc.add(
        new Document.Paragraph(
            String.format(
                Locale.ROOT,
                "%,d trainable parameters, %,d BatchNorm statistics, %,d MACs per image, final"
                    + " receptive field %d px.",
                s.summary().trainableParams(),
                s.summary().nonTrainableParams(),
                s.summary().macs(),
                s.summary().receptiveField())));
    if (s.runs().isEmpty()) {
      return;
    }
    RunResult r = s.runs().get(0);
    doc.add(new Document.Heading(3, "Curves (seed " + r.seed() + ")"));
    doc.add(
        new Document.Image(
            slug + "-accuracy.png",
            title + " accuracy",
            Charts.accuracyCurves(title + ": accuracy", r.epochs())));
    doc.add(
        new Document.Image(
            slug + "-loss.png", title + " loss", Charts.lossCurves(title + ": loss", r.epochs())));
    doc.add(
        new Document.Image(
            slug + "-lr.png",
            title + " learning rate",
            Charts.learningRate(title + ": learning rate", r.epochs())));
    doc.add(new Document.Heading(3, "Mistakes on the test set (seed " + r.seed() + ")"));
    Evaluator.Predictions p = s.predictions();
    doc.add(
        new Document.Image(
            slug + "-confusion.png",
            title + " confusion matrix",
            Charts.confusionHeatMap(title + ": confusion matrix", p.confusion(10))));
    Split test = data.apply(Dataset.parse(s.step().config().dataset())).test();
    List<Charts.Misclassified> wrong = new ArrayList<>();
    int pixels = test.rows() * test.cols();
    for (int i : p.misclassified(GALLERY)) {
      float[] image = new float[pixels];
      for (int k = 0; k < pixels; k++) {
        image[k] = test.pixels()[i * pixels + k] & 0xff;
      }
      wrong.add(
          new Charts.Misclassified(
              image, test.rows(), test.cols(), p.labels()[i], p.predicted()[i], p.confidence()[i]));
    }
    doc.add(
        new Document.Paragraph(
            String.format(
                Locale.ROOT,
                "%d of %d test digits misclassified (%.2f%%); the %d most confident mistakes:",
                p.labels().length - Math.round(p.accuracy() * p.labels().length / 100),
                p.labels().length,
                100 - p.accuracy(),
                wrong.size())));
    doc.add(
        new Document.Image(
            slug + "-mistakes.png",
            title + " misclassified digits",
            Charts.misclassifiedGallery(wrong, 8)));
  }

  private static Document.Table layerTable(ModelSummary summary) {
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
