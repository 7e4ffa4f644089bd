package dev.mnistlab.report;

import dev.mnistlab.config.ConfigDiff;
import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.run.Consistency;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The analysis a report computes from a step's metrics, beside the author's text: how the model
 * fits (the train–test gap and its trend), whether the target was met and held, and what changed
 * from the previous step and what that did.
 */
public final class Analysis {
  /** Test accuracy, in percent, that the seed systems aim at. */
  public static final double TARGET = 99.40;

  /** A gap (train minus test accuracy, points) above this, and growing, reads as overfitting. */
  private static final double OVERFIT_GAP = 0.5;

  /** Final train accuracy below this reads as underfitting. */
  private static final double UNDERFIT_TRAIN = 99.0;

  /** The epochs consistency looks at: a recipe must hold the target in each of its last 3. */
  private static final int LAST = 3;

  private Analysis() {}

  /**
   * The analysis of one step, sentence by sentence.
   *
   * @param runs the step's runs, one per seed, the first one described in detail
   * @param previous the previous step and its runs, or null for the first step
   */
  public static List<String> of(
      Experiment.Step step,
      List<RunResult> runs,
      Experiment.Step previous,
      List<RunResult> before) {
    List<String> sentences = new ArrayList<>();
    if (runs.isEmpty()) {
      sentences.add("Not run yet.");
      return sentences;
    }
    RunResult run = runs.get(0);
    sentences.add(fit(run.epochs()));
    sentences.add(target(runs));
    if (previous != null) {
      sentences.add(change(step, run, previous, before.isEmpty() ? null : before.get(0)));
    }
    String momentum = momentum(run.epochs());
    if (momentum != null) {
      sentences.add(momentum);
    }
    return sentences;
  }

  /** Epochs the "last 3" figures look at: 3, or all of a shorter run's. */
  public static int lastN(RunResult run) {
    return Math.min(LAST, run.epochs().size());
  }

  /**
   * How the "last 3" figures of {@code run} are labelled: {@code last 3}, or {@code last 2} and
   * {@code only epoch} for shorter runs, so a 2-epoch run never reads as "0/3".
   */
  public static String lastLabel(RunResult run) {
    int n = lastN(run);
    return n == 1 ? "only epoch" : "last " + n;
  }

  /** How many of the run's last {@link #lastN} epochs reached {@code target}. */
  public static int lastAtTarget(RunResult run, double target) {
    List<EpochMetrics> epochs = run.epochs();
    return (int)
        epochs.subList(epochs.size() - lastN(run), epochs.size()).stream()
            .filter(e -> e.testAcc() >= target)
            .count();
  }

  /**
   * Whether the run reached {@link #TARGET} in every one of its last {@link #lastN} epochs: this
   * project's "consistently" for one seed.
   */
  public static boolean heldLast(RunResult run) {
    return lastAtTarget(run, TARGET) == lastN(run);
  }

  /** Train minus test accuracy of an epoch, in points. */
  static double gap(EpochMetrics e) {
    return e.trainAcc() - e.testAcc();
  }

  private static String fit(List<EpochMetrics> epochs) {
    EpochMetrics last = epochs.get(epochs.size() - 1);
    double finalGap = gap(last);
    // The trend compares the last third of the run with the third before it.
    int third = Math.max(1, epochs.size() / 3);
    double recent = meanGap(epochs.subList(epochs.size() - third, epochs.size()));
    double earlier =
        meanGap(epochs.subList(Math.max(0, epochs.size() - 2 * third), epochs.size() - third));
    String trend =
        epochs.size() < 2
            ? ""
            : String.format(
                Locale.ROOT,
                " (mean gap %+.2f over the last %d epochs, %+.2f before)",
                recent,
                third,
                earlier);
    if (last.trainAcc() < UNDERFIT_TRAIN) {
      return String.format(
          Locale.ROOT,
          "Underfitting: the model reaches only %.2f%% on its own training data in the last epoch;"
              + " it needs capacity, epochs or a better learning rate.",
          last.trainAcc());
    }
    if (finalGap > OVERFIT_GAP && recent > earlier) {
      return String.format(
          Locale.ROOT,
          "Overfitting: train accuracy leads test by %.2f points at the end and the gap is"
              + " growing%s; regularization (BatchNorm, dropout, augmentation) is the usual"
              + " remedy.",
          finalGap,
          trend);
    }
    if (finalGap < 0) {
      return String.format(
          Locale.ROOT,
          "No overfitting: test accuracy is %.2f points above train accuracy at the end%s;"
              + " regularization makes training harder than testing, so the model has room to"
              + " learn more.",
          -finalGap,
          trend);
    }
    return String.format(
        Locale.ROOT, "Good fit: train and test accuracy end %.2f points apart%s.", finalGap, trend);
  }

  private static double meanGap(List<EpochMetrics> epochs) {
    return epochs.stream().mapToDouble(Analysis::gap).average().orElse(0);
  }

  private static String target(List<RunResult> runs) {
    RunResult run = runs.get(0);
    Consistency c = Consistency.of(runs, TARGET);
    Consistency.Seed first = c.seeds().get(0);
    String seedPart =
        runs.size() == 1
            ? ""
            : String.format(
                Locale.ROOT,
                " Over %d seeds: %d held %.2f%% in each of their %s epochs (lowest of those %.2f%%,"
                    + " mean %.2f%%).",
                runs.size(),
                runs.stream().filter(Analysis::heldLast).count(),
                TARGET,
                lastLabel(run),
                c.minLast3().min(),
                c.minLast3().mean());
    if (first.firstEpochAtTarget() == 0) {
      return String.format(
              Locale.ROOT,
              "Target %.2f%% not reached: best test accuracy %.2f%%.",
              TARGET,
              first.best())
          + seedPart;
    }
    int n = lastN(run);
    int held = lastAtTarget(run, TARGET);
    String heldText =
        n == 1
            ? "it was the only epoch"
            : held == n
                ? "held it in each of the " + lastLabel(run) + " epochs"
                : String.format(
                    Locale.ROOT, "held it in %d of the %s epochs", held, lastLabel(run));
    return String.format(
            Locale.ROOT,
            "Target %.2f%% reached first in epoch %d and %s (best %.2f%%).",
            TARGET,
            first.firstEpochAtTarget(),
            heldText,
            first.best())
        + seedPart;
  }

  private static String change(
      Experiment.Step step, RunResult run, Experiment.Step previous, RunResult before) {
    List<String> changes = new ArrayList<>();
    if (!step.config().model().equals(previous.config().model())) {
      changes.add("model " + previous.config().model() + " → " + step.config().model());
    }
    Map<String, String> now = ConfigDiff.flatten(step.config());
    Map<String, String> then = ConfigDiff.flatten(previous.config());
    now.forEach(
        (field, value) -> {
          if (!field.equals("model") && !field.equals("seed")) {
            String old = then.get(field);
            if (!Objects.equals(old, value)) {
              changes.add(field + " " + old + " → " + value);
            }
          }
        });
    String what =
        changes.isEmpty()
            ? "Nothing changed from the previous step but the run itself."
            : "Changed from the previous step: " + String.join("; ", changes) + ".";
    if (before == null) {
      return what;
    }
    long params = run.trainableParams();
    long oldParams = before.trainableParams();
    return what
        + String.format(
            Locale.ROOT,
            " Parameters %,d → %,d (%+.1f%%); best test %.2f%% → %.2f%% (%+.2f points);"
                + " final train–test gap %+.2f → %+.2f points.",
            oldParams,
            params,
            oldParams == 0 ? 0 : 100.0 * (params - oldParams) / oldParams,
            before.bestTestAccuracy(),
            run.bestTestAccuracy(),
            run.bestTestAccuracy() - before.bestTestAccuracy(),
            gap(before.last()),
            gap(run.last()));
  }

  /** Notes a run still improving at its end: more epochs might pay. */
  private static String momentum(List<EpochMetrics> epochs) {
    if (epochs.size() < 3) {
      return null;
    }
    EpochMetrics last = epochs.get(epochs.size() - 1);
    double best = epochs.stream().mapToDouble(EpochMetrics::testAcc).max().orElse(0);
    EpochMetrics third = epochs.get(epochs.size() - 3);
    if (last.testAcc() >= best && last.testAcc() - third.testAcc() >= 0.1) {
      return String.format(
          Locale.ROOT,
          "Still improving: the last epoch is the best and test accuracy rose %.2f points over the"
              + " last 3 epochs, so more epochs may help.",
          last.testAcc() - third.testAcc());
    }
    return null;
  }
}
