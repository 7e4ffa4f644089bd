package dev.mnistlab.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.eval.Evaluation;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.text.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Runs scored again from their saved weights on a test split ({@code mnistlab evaluate}): one run,
 * or every {@code seed-N} run of a multi-seed directory with the statistics over seeds. A run that
 * has not completed is scored as its last checkpoint holds it, and says where it stands.
 *
 * @param runs one entry per run, in seed order
 * @param accuracy minimum, mean and standard deviation of the runs' accuracies
 */
public record RunEvaluation(List<Run> runs, Consistency.Stats accuracy) {
  /** How many mistakes each run lists. */
  public static final int MISTAKES = 20;

  /**
   * One run's evaluation.
   *
   * @param dir the run directory
   * @param dataset whose test split was classified
   * @param recordedTestAccuracy the last epoch's test accuracy in its {@code metrics.json}, for
   *     comparison (null when evaluated on another dataset than it trained on)
   * @param state where the run stands when it has not completed ("interrupted at epoch 4 of 15"),
   *     its network then the last checkpoint's; null for a complete run
   */
  public record Run(
      @JsonProperty("run") String dir,
      long seed,
      String model,
      String dataset,
      @JsonProperty("recorded_test_acc") Double recordedTestAccuracy,
      Evaluation evaluation,
      String state) {}

  /**
   * Evaluates the complete runs in {@code dir}.
   *
   * @param dataset the dataset whose test split to classify; null for each run's own
   * @param data loads a dataset
   * @throws IllegalArgumentException naming {@code dir} when it holds no complete run
   */
  public static RunEvaluation of(
      Path dir,
      Dataset dataset,
      Function<Dataset, DataStore.Loaded> data,
      Function<RunDirectory, TrainedModel> unfinished) {
    List<RunDirectory> runs = RunDirectory.runsIn(dir);
    if (runs.isEmpty()) {
      throw new UsageException(
          dir
              + (java.nio.file.Files.exists(dir)
                  ? ": not a run directory nor a directory of seed-N runs"
                  : " does not exist"));
    }
    List<Run> results = new ArrayList<>();
    for (RunDirectory run : runs) {
      boolean complete = run.isComplete();
      RunResult recorded = complete ? run.readMetrics() : null;
      String state = complete ? null : run.status().describe();
      var config = run.readConfig();
      Dataset own = Dataset.parse(config.dataset());
      Dataset used = dataset == null ? own : dataset;
      try (TrainedModel trained = complete ? run.loadTrained() : unfinished.apply(run)) {
        Evaluator.Predictions predictions = Evaluator.predict(trained, data.apply(used).test());
        results.add(
            new Run(
                run.toString(),
                config.seed(),
                trained.spec().name(),
                used.id(),
                complete && used == own ? recorded.last().testAcc() : null,
                Evaluation.of(predictions, MISTAKES),
                state));
      }
    }
    return new RunEvaluation(
        results,
        Consistency.Stats.of(results.stream().map(r -> r.evaluation().accuracy()).toList()));
  }

  /** One line per run, then the statistics over runs when there are several. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    if (runs.size() == 1) {
      Run r = runs.get(0);
      b.append(
          String.format(
              Locale.ROOT,
              "%s: %s, seed %d, %s test split (%,d images)%s%n",
              r.dir(),
              r.model(),
              r.seed(),
              r.dataset(),
              r.evaluation().images(),
              r.state() == null ? "" : "; " + r.state() + ", scored as its last checkpoint"));
      b.append(
          String.format(
              Locale.ROOT,
              "accuracy %.2f%%   loss %.4f%s%n%n",
              r.evaluation().accuracy(),
              r.evaluation().loss(),
              recorded(r)));
      return b.append(r.evaluation().toText()).toString();
    }
    b.append("  seed  accuracy    loss  recorded  run\n");
    for (Run r : runs) {
      b.append(
          String.format(
              Locale.ROOT,
              "%6d  %7.2f%%  %.4f  %8s  %s%s%n",
              r.seed(),
              r.evaluation().accuracy(),
              r.evaluation().loss(),
              r.recordedTestAccuracy() == null
                  ? "—"
                  : String.format(Locale.ROOT, "%.2f%%", r.recordedTestAccuracy()),
              r.dir(),
              r.state() == null ? "" : " (" + r.state() + ")"));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%naccuracy over %d seeds: min %.2f%%, mean %.3f%%, std %.3f%n",
            runs.size(),
            accuracy.min(),
            accuracy.mean(),
            accuracy.std()));
    return b.toString();
  }

  private static String recorded(Run r) {
    return r.recordedTestAccuracy() == null
        ? ""
        : String.format(
            Locale.ROOT, "   (metrics.json, last epoch: %.2f%%)", r.recordedTestAccuracy());
  }
}
