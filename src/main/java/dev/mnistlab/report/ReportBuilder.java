package dev.mnistlab.report;

import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Split;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.report.ReportData.Kind;
import dev.mnistlab.report.ReportData.StepReport;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds a report from an output directory alone: {@link ReportData} gathers what an experiment's,
 * a run's or a seeds directory holds, and this class lays it out as Markdown and HTML with its
 * charts (a seeds directory's curves overlaid) and the tables that {@code ReportTables} words.
 */
public final class ReportBuilder {
  private static final int GALLERY = 24;

  private ReportBuilder() {}

  /**
   * The report's content and where it was written.
   *
   * @param experiment the experiment, or for a run or seeds directory a one-step stand-in
   * @param files the Markdown and HTML files
   */
  public record Report(Kind kind, Experiment experiment, List<StepReport> steps, List<Path> files) {
    /** Whether any step's run trained on fewer images or epochs than its recipe. */
    public boolean limited() {
      return steps.stream().anyMatch(s -> s.settings() != null && s.settings().limited());
    }
  }

  /** {@link #build(Path, Function, Consumer)} without progress lines. */
  public static Report build(Path dir, Function<Dataset, DataStore.Loaded> data) {
    return build(dir, data, line -> {});
  }

  /**
   * Reads {@code dir} (an experiment's, a run's or a seeds directory) and writes {@code report.md},
   * {@code report-images/} and {@code report.html} into it.
   *
   * @param data loads the test set a step's configuration names
   * @param progress told one line per step and stage, for a person waiting
   * @throws dev.mnistlab.text.UsageException when {@code dir} holds none of those, or no complete
   *     run
   */
  public static Report build(
      Path dir, Function<Dataset, DataStore.Loaded> data, Consumer<String> progress) {
    ReportData gathered = ReportData.gather(dir, data, progress);
    int total = gathered.steps().size();
    progress.accept("drawing charts for " + total + (total == 1 ? " step" : " steps"));
    Document document =
        document(
            gathered.experiment(),
            gathered.kind(),
            gathered.steps(),
            gathered.unfinished(),
            data,
            progress);
    try {
      return new Report(
          gathered.kind(), gathered.experiment(), gathered.steps(), document.write(dir, "report"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report into " + dir, e);
    }
  }

  private static Document document(
      Experiment experiment,
      Kind kind,
      List<StepReport> steps,
      List<String> unfinished,
      Function<Dataset, DataStore.Loaded> data,
      Consumer<String> progress) {
    Document doc = new Document(experiment.title());
    if (!unfinished.isEmpty()) {
      doc.add(
          new Document.Warning(
              "⚠ Not complete ("
                  + String.join(" · ", unfinished)
                  + "): its figures are those of the epochs finished so far; make the report"
                  + " again when it completes."));
    }
    if (!experiment.source().isEmpty()) {
      doc.add(new Document.Paragraph("Source: " + experiment.source()));
    }
    if (!experiment.description().isEmpty()) {
      doc.add(new Document.Paragraph(experiment.description()));
    }
    List<String> limited = new ArrayList<>();
    for (StepReport s : steps) {
      if (s.settings() != null && s.settings().limited()) {
        limited.add(
            (kind == Kind.EXPERIMENT ? "step " + s.step().name() + ": " : "")
                + String.join("; ", s.settings().limits()));
      }
    }
    if (!limited.isEmpty()) {
      doc.add(
          new Document.Warning(
              "⚠ Smoke run"
                  + (kind == Kind.EXPERIMENT ? "s" : "")
                  + " ("
                  + String.join(" · ", limited)
                  + "): a quick try on fewer images or epochs than the recipe. "
                  + (limited.size() > 1 ? "Their" : "Its")
                  + " figures are not comparable with full runs or with figures reported"
                  + " elsewhere."));
    }
    doc.add(new Document.Heading(2, "Summary"));
    doc.add(ReportTables.summaryTable(steps));
    List<ParameterCharts.Point> points = new ArrayList<>();
    for (StepReport s : steps) {
      if (!s.runs().isEmpty()) {
        points.add(
            new ParameterCharts.Point(
                s.step().name(),
                s.runs().get(0).trainableParams(),
                s.runs().get(0).bestTestAccuracy()));
      }
    }
    if (points.size() > 1) {
      doc.add(
          new Document.Image(
              "accuracy-vs-parameters.png",
              "best test accuracy against trainable parameters",
              ParameterCharts.accuracyVsParameters("Best test accuracy vs parameters", points)));
    }
    if (steps.stream().anyMatch(s -> !s.step().reported().equals(Experiment.Reported.NONE))) {
      doc.add(new Document.Heading(2, "Reported by the original author, and measured here"));
      doc.add(ReportTables.reportedTable(steps));
    }
    for (StepReport s : steps) {
      if (!s.runs().isEmpty()) {
        progress.accept(
            String.format(
                Locale.ROOT,
                "step %d/%d %s: curves, confusion matrix, mistakes",
                s.index(),
                steps.size(),
                s.step().name()));
      }
      stepSection(doc, kind, s, data);
    }
    return doc;
  }

  /** " · trained on ..." naming the computers the runs recorded, or nothing when none did. */
  private static String machines(List<RunResult> runs) {
    List<String> names =
        runs.stream().map(RunResult::machine).filter(m -> m != null).distinct().toList();
    return names.isEmpty() ? "" : " · trained on " + String.join("; ", names);
  }

  private static void stepSection(
      Document doc, Kind kind, StepReport s, Function<Dataset, DataStore.Loaded> data) {
    String title = s.step().name();
    String slug = String.format(Locale.ROOT, "step%02d", s.index());
    doc.add(new Document.Heading(2, kind == Kind.EXPERIMENT ? title : "The run"));
    if (!s.step().target().isEmpty()) {
      doc.add(new Document.Paragraph("Target: " + s.step().target()));
    }
    doc.add(
        new Document.Paragraph(
            "Model "
                + (s.runs().isEmpty() ? s.step().config().model() : s.runs().get(0).model())
                + (s.runs().isEmpty()
                    ? " · not run yet"
                    : (s.runs().size() == 1 ? " · seed " : " · seeds ")
                        + s.runs().stream()
                            .map(r -> Long.toString(r.seed()))
                            .collect(Collectors.joining(", "))
                        + machines(s.runs()))));
    doc.add(
        new Document.Paragraph(
            "Settings: "
                + (s.settings() != null
                    ? s.settings().summary()
                    : s.step().config().epochs()
                        + " epochs · "
                        + RunSettings.schedule(s.step().config())
                        + " (as configured)")));
    if (s.settings() != null && s.settings().limited()) {
      doc.add(
          new Document.Warning(
              s.settings().warning() + ": not comparable with full runs or reported figures."));
    }
    if (!s.step().analysis().isEmpty()) {
      doc.add(new Document.Paragraph("Author's analysis: " + s.step().analysis()));
    }
    doc.add(new Document.Bullets(s.analysis()));
    doc.add(
        new Document.Folded(
            String.format(
                Locale.ROOT,
                "Model: %d layers, %,d trainable parameters",
                s.summary().rows().size(),
                s.summary().trainableParams()),
            false,
            List.of(
                ReportTables.layerTable(s.summary()),
                new Document.Paragraph(
                    String.format(
                        Locale.ROOT,
                        "%,d trainable parameters, %,d BatchNorm statistics, %,d MACs per image,"
                            + " final receptive field %d px.",
                        s.summary().trainableParams(),
                        s.summary().nonTrainableParams(),
                        s.summary().macs(),
                        s.summary().receptiveField())))));
    if (s.runs().isEmpty()) {
      return;
    }
    RunResult r = s.runs().get(0);
    if (s.runs().size() > 1) {
      doc.add(new Document.Heading(3, "Consistency over seeds"));
      ReportTables.consistency(doc, s.runs());
    }
    List<Charts.Curve> curves =
        s.runs().stream().map(x -> new Charts.Curve("seed " + x.seed(), x.epochs())).toList();
    doc.add(
        new Document.Heading(
            3,
            s.runs().size() == 1
                ? "Curves (seed " + r.seed() + ")"
                : "Curves (seeds "
                    + s.runs().stream()
                        .map(x -> Long.toString(x.seed()))
                        .collect(Collectors.joining(", "))
                    + " overlaid)"));
    doc.add(
        new Document.Image(
            slug + "-accuracy.png",
            title + " accuracy",
            Charts.accuracyCurves(title + ": accuracy", curves, Charts.Lines.TRAIN_AND_TEST)));
    List<Double> log = s.step().reported().log();
    if (!log.isEmpty()) {
      // The author's printed log as one more curve: the evidence a reader needs beside ours.
      List<EpochMetrics> authors = new ArrayList<>();
      for (int i = 0; i < log.size(); i++) {
        authors.add(new EpochMetrics(i + 1, 0, 0, 0, 0, log.get(i), 0, 0));
      }
      List<Charts.Curve> withAuthor = new ArrayList<>(curves);
      withAuthor.add(new Charts.Curve("the author's log", authors, true));
      doc.add(
          new Document.Image(
              slug + "-vs-author.png",
              title + " test accuracy beside the author's log",
              Charts.accuracyCurves(
                  title + ": test accuracy, each seed and the author's log",
                  withAuthor,
                  Charts.Lines.TEST_ONLY)));
    }
    doc.add(
        new Document.Image(
            slug + "-loss.png",
            title + " loss",
            Charts.lossCurves(title + ": loss", curves, Charts.Lines.TRAIN_AND_TEST)));
    doc.add(
        new Document.Image(
            slug + "-lr.png",
            title + " learning rate",
            Charts.learningRate(
                title + ": learning rate (seed " + r.seed() + ")",
                LrCurve.of(s.configs().get(0), r))));
    doc.add(new Document.Heading(3, "Mistakes on the test set (seed " + r.seed() + ")"));
    Evaluator.Predictions p = s.predictions();
    if (p == null) {
      doc.add(
          new Document.Paragraph(
              "The confusion matrix and the mistakes come with the trained weights, which a run"
                  + " saves when it completes."));
      return;
    }
    doc.add(
        new Document.Image(
            slug + "-confusion.png",
            title + " confusion matrix",
            Pictures.confusionHeatMap(title + ": confusion matrix", p.confusion(10))));
    Split test = data.apply(Dataset.parse(s.configs().get(0).dataset())).test();
    List<Pictures.Misclassified> wrong = new ArrayList<>();
    int pixels = test.rows() * test.cols();
    for (int i : p.misclassified(GALLERY)) {
      float[] image = new float[pixels];
      for (int k = 0; k < pixels; k++) {
        image[k] = test.pixels()[i * pixels + k] & 0xff;
      }
      wrong.add(
          new Pictures.Misclassified(
              image, test.rows(), test.cols(), p.labels()[i], p.predicted()[i], p.confidence()[i]));
    }
    doc.add(
        new Document.Paragraph(
            String.format(
                Locale.ROOT,
                "%s of %s test digits misclassified (%.2f%%); the %d most confident mistakes:",
                Plain.count(p.labels().length - Math.round(p.accuracy() * p.labels().length / 100)),
                Plain.count(p.labels().length),
                100 - p.accuracy(),
                wrong.size())));
    doc.add(
        new Document.Image(
            slug + "-mistakes.png",
            title + " misclassified digits",
            Pictures.misclassifiedGallery(wrong, 8)));
  }
}
