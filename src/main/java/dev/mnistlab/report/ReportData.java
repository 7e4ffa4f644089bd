package dev.mnistlab.report;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Split;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.experiment.ExperimentDirectory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.run.RunStatus;
import dev.mnistlab.text.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a report shows, gathered from an output directory alone: an experiment's (its saved
 * experiment, each step's run directories), one run's ({@code train}), or a {@code train --seeds}
 * directory's (seed-N runs). Nothing is trained; the test set is classified again for the confusion
 * matrix and the gallery of mistakes. {@link ReportBuilder} renders it.
 *
 * @param experiment the experiment, or for a run or seeds directory a one-step stand-in
 * @param unfinished for a run or seeds directory, each run shown that has not completed, where it
 *     stands ("interrupted at epoch 4 of 15"); empty when all are complete
 */
public record ReportData(
    Kind kind, Experiment experiment, List<StepReport> steps, List<String> unfinished) {
  /** What a report was built from. */
  public enum Kind {
    /** An {@code experiment run} directory: one section per step. */
    EXPERIMENT,
    /** One run directory of {@code train}. */
    RUN,
    /** A {@code train --seeds} directory of seed-N runs. */
    SEEDS
  }

  /**
   * One step as the report shows it (a run or a seeds directory is one step).
   *
   * @param runs runs, one per seed, in seed order (empty when not run yet); in a run or seeds
   *     directory an unfinished run is here with the epochs it finished
   * @param configs each run's saved configuration, in the order of {@code runs}
   * @param summary the model's layer table
   * @param predictions the first run's test-set predictions, or null when not run yet or not
   *     complete
   * @param analysis the computed analysis, sentence by sentence
   * @param settings the first run's settings and limits, or null when not run yet
   */
  public record StepReport(
      int index,
      Experiment.Step step,
      List<RunResult> runs,
      List<TrainConfig> configs,
      ModelSummary summary,
      Evaluator.Predictions predictions,
      List<String> analysis,
      RunSettings settings) {}

  /**
   * Reads {@code dir}: an experiment's, a run's or a seeds directory. Each step's runs are read,
   * and the first run's model classifies the test set again.
   *
   * @param data loads the test set a step's configuration names
   * @param progress told one line per step, for a person waiting
   * @throws UsageException when {@code dir} holds none of those, or no run with a finished epoch
   */
  public static ReportData gather(
      Path dir, Function<Dataset, DataStore.Loaded> data, Consumer<String> progress) {
    ExperimentDirectory experimentDir = new ExperimentDirectory(dir);
    Kind kind;
    Experiment experiment;
    List<List<RunDirectory>> stepRuns = new ArrayList<>();
    List<String> unfinished = new ArrayList<>();
    if (experimentDir.holdsExperiment()) {
      kind = Kind.EXPERIMENT;
      experiment = experimentDir.readExperiment();
      for (int i = 0; i < experiment.steps().size(); i++) {
        Path stepDir = experimentDir.stepDir(i, experiment.steps().get(i));
        stepRuns.add(RunDirectory.completeRunsIn(stepDir));
      }
    } else {
      List<RunDirectory> runs = RunDirectory.runsIn(dir);
      if (runs.isEmpty()) {
        throw new UsageException(
            dir
                + ": not an experiment directory (no "
                + experimentDir.experimentFile().getFileName()
                + "), a run directory or a directory of seed-N runs");
      }
      // A run still training, or interrupted, is reported on the epochs it has finished.
      List<RunDirectory> shown = new ArrayList<>();
      for (RunDirectory run : runs) {
        RunStatus status = run.status();
        if (status.isComplete() || status.epochsDone() > 0) {
          shown.add(run);
          if (!status.isComplete()) {
            unfinished.add(
                (runs.size() > 1 ? run.path().getFileName() + ": " : "") + status.describe());
          }
        }
      }
      if (shown.isEmpty()) {
        throw new UsageException(
            dir + ": " + runs.get(0).status().describe() + ", with no epoch to report yet");
      }
      kind = RunDirectory.exists(dir) ? Kind.RUN : Kind.SEEDS;
      experiment = standIn(dir, kind, shown);
      stepRuns.add(shown);
    }
    List<StepReport> steps = new ArrayList<>();
    int total = experiment.steps().size();
    for (int i = 0; i < total; i++) {
      Experiment.Step step = experiment.steps().get(i);
      List<RunDirectory> dirs = stepRuns.get(i);
      List<RunResult> runs =
          dirs.stream()
              .map(RunDirectory::readResultSoFar)
              .sorted(Comparator.comparingLong(RunResult::seed))
              .toList();
      List<TrainConfig> configs =
          runs.stream().map(r -> RunDirectory.open(r.runDir()).readConfig()).toList();
      ModelSpec spec =
          runs.isEmpty()
              ? step.recipe().spec()
              : RunDirectory.open(runs.get(0).runDir()).readSpec();
      Evaluator.Predictions predictions = null;
      RunSettings settings = null;
      String where = String.format(Locale.ROOT, "step %d/%d %s", i + 1, total, step.name());
      if (runs.isEmpty()) {
        progress.accept(where + ": not run yet");
      } else {
        // The trained weights are saved when a run completes: an unfinished one has none yet.
        boolean complete = RunDirectory.open(runs.get(0).runDir()).isComplete();
        progress.accept(
            where
                + (complete
                    ? ": classifying the test set again (seed " + runs.get(0).seed() + ")"
                    : ": the epochs so far (seed " + runs.get(0).seed() + " has not completed)"));
        DataStore.Loaded loaded = data.apply(Dataset.parse(configs.get(0).dataset()));
        if (complete) {
          predictions = predict(runs.get(0).runDir(), loaded.test());
        }
        RunSettings.Reference reference =
            kind == Kind.EXPERIMENT
                ? new RunSettings.Reference("the step", step.config().epochs())
                : RunSettings.Reference.defaults();
        settings = RunSettings.of(configs.get(0), runs.get(0), reference, loaded.train().count());
      }
      StepReport previous = i == 0 ? null : steps.get(i - 1);
      List<String> analysis =
          Analysis.of(
              step,
              runs,
              previous == null ? null : previous.step(),
              previous == null ? List.of() : previous.runs());
      steps.add(
          new StepReport(
              i + 1, step, runs, configs, ModelSummary.of(spec), predictions, analysis, settings));
    }
    return new ReportData(kind, experiment, steps, List.copyOf(unfinished));
  }

  /** A one-step experiment standing for a run or a seeds directory, titled after it. */
  private static Experiment standIn(Path dir, Kind kind, List<RunDirectory> runs) {
    RunResult first = runs.get(0).readResultSoFar();
    Recipe recipe = runs.get(0).readRecipe();
    String name = dir.toAbsolutePath().normalize().getFileName().toString();
    String seeds =
        runs.stream()
            .map(r -> Long.toString(r.readConfig().seed()))
            .collect(Collectors.joining(", "));
    String title =
        kind == Kind.RUN
            ? "Run " + name + ": " + first.model() + " on " + first.dataset()
            : "Seeds " + seeds + " of " + name + ": " + first.model() + " on " + first.dataset();
    Experiment.Step step = new Experiment.Step(name, "", recipe, "", Experiment.Reported.NONE);
    return new Experiment(
        name,
        title,
        "",
        kind == Kind.RUN
            ? "One training run, from " + dir + "."
            : runs.size() + " training runs of one recipe, one per seed, from " + dir + ".",
        List.of(step),
        dir.toString());
  }

  private static Evaluator.Predictions predict(Path runDir, Split test) {
    try (TrainedModel trained = RunDirectory.openComplete(runDir).loadTrained()) {
      return Evaluator.predict(trained, test);
    }
  }
}
