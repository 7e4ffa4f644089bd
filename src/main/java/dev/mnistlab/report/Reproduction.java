package dev.mnistlab.report;

import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.UsageException;
import java.util.List;

/**
 * An author's figures for one step beside the spread of mnistlab's runs of it over seeds, with a
 * verdict per claim: <b>reproduced</b> when the author's figure lies inside the seeds' range,
 * <b>exceeded</b> when every seed did better, <b>not reproduced</b> when every seed did worse, and
 * <b>untestable</b> when the author gives no figure. A range of one seed is a single value, so a
 * verdict needs several seeds to mean much; the table says how many there were.
 *
 * @param seeds how many runs (one per seed) the figures cover
 * @param bestTrain each run's best train accuracy: min, mean, max
 * @param bestTest each run's best test accuracy: min, mean, max
 * @param minLast3 each run's lowest test accuracy of its last 3 epochs: min, mean, max
 * @param heldFrom per run, the first epoch from which test accuracy stayed ≥ {@link
 *     Analysis#TARGET} to the end; 0 when the last epoch is below it
 * @param bestTestVerdict the verdict on the author's best test accuracy
 * @param bestTrainVerdict the verdict on the author's best train accuracy
 * @param heldVerdict the verdict on the author's "held from epoch N" claim
 * @param holdingLast3 how many runs reached {@link Analysis#TARGET} in every one of their last 3
 *     epochs (this project's "consistently"), the figure a "mnistlab's fix" step is judged by
 */
public record Reproduction(
    int seeds,
    Range bestTrain,
    Range bestTest,
    Range minLast3,
    List<Integer> heldFrom,
    String bestTestVerdict,
    String bestTrainVerdict,
    String heldVerdict,
    int holdingLast3) {

  /** Minimum, mean and maximum over seeds. */
  public record Range(double min, double mean, double max) {
    static Range of(List<Double> values) {
      return new Range(
          values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
          values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
          values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }

    /** {@code 99.31–99.45 (mean 99.38)}, or the one value of a single seed. */
    public String text() {
      return min == max ? two(min) : two(min) + "–" + two(max) + " (mean " + two(mean) + ")";
    }

    private static String two(double percent) {
      return String.format(java.util.Locale.ROOT, "%.2f", percent);
    }
  }

  /**
   * The figures of {@code runs} (one per seed) against {@code reported}.
   *
   * @throws IllegalArgumentException when there are no runs
   */
  public static Reproduction of(Experiment.Reported reported, List<RunResult> runs) {
    if (runs.isEmpty()) {
      throw new UsageException("no runs to compare with the author's figures");
    }
    Range train = Range.of(runs.stream().map(RunResult::bestTrainAccuracy).toList());
    Range test = Range.of(runs.stream().map(RunResult::bestTestAccuracy).toList());
    Range last =
        Range.of(runs.stream().map(r -> r.minTestAccuracyOfLast(Analysis.lastN(r))).toList());
    int holding = (int) runs.stream().filter(Analysis::heldLast).count();
    List<Integer> held = runs.stream().map(Reproduction::heldFrom).toList();
    // Held from epoch N: earlier is better, and never (0) is worse than any epoch.
    List<Double> heldOrder =
        held.stream().map(h -> h == 0 ? Double.POSITIVE_INFINITY : h.doubleValue()).toList();
    String heldVerdict =
        reported.heldFrom() == null
            ? "untestable"
            : verdict(-reported.heldFrom(), Range.of(heldOrder.stream().map(h -> -h).toList()), 0);
    return new Reproduction(
        runs.size(),
        train,
        test,
        last,
        held,
        reported.bestTest() == null ? "untestable" : verdict(reported.bestTest(), test, 0.005),
        reported.bestTrain() == null ? "untestable" : verdict(reported.bestTrain(), train, 0.005),
        heldVerdict,
        holding);
  }

  /**
   * The first epoch from which every epoch's test accuracy is ≥ {@link Analysis#TARGET}; 0 when the
   * last one is below it.
   */
  public static int heldFrom(RunResult run) {
    List<EpochMetrics> epochs = run.epochs();
    int from = 0;
    for (int i = epochs.size() - 1; i >= 0 && epochs.get(i).testAcc() >= Analysis.TARGET; i--) {
      from = epochs.get(i).epoch();
    }
    return from;
  }

  /**
   * Where {@code claim} lies against the range (higher is better); {@code slack} absorbs the
   * rounding of a figure printed to two decimals.
   */
  private static String verdict(double claim, Range measured, double slack) {
    if (claim > measured.max() + slack) {
      return "not reproduced";
    }
    if (claim < measured.min() - slack) {
      return "exceeded";
    }
    return "reproduced";
  }

  /** {@code 3 of 5}: runs holding the target in each of their last 3 epochs. */
  public String holdingText() {
    return holdingLast3 + " of " + seeds;
  }

  /** {@code 7, 9, never}: each seed's held-from epoch. */
  public String heldText() {
    return String.join(
        ", ", heldFrom.stream().map(h -> h == 0 ? "never" : Integer.toString(h)).toList());
  }
}
