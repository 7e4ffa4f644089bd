package dev.mnistlab.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How consistently one recipe reaches a target test accuracy across seeds: per seed the best and
 * final accuracy, the first epoch at or above the target and how many of the last three epochs are;
 * over seeds the minimum, mean and standard deviation.
 *
 * @param target test accuracy in percent
 * @param consistent true when every seed is at or above the target in each of its last 3 epochs
 */
public record Consistency(
    double target,
    List<Seed> seeds,
    @JsonProperty("best") Stats best,
    @JsonProperty("final") Stats last,
    @JsonProperty("min_last3") Stats minLast3,
    boolean consistent) {

  /**
   * One seed's run.
   *
   * @param firstEpochAtTarget first epoch with test accuracy ≥ target, or 0 when none
   * @param last3AtTarget how many of the last three epochs reached the target
   */
  public record Seed(
      long seed,
      double best,
      @JsonProperty("final") double last,
      @JsonProperty("min_last3") double minLast3,
      @JsonProperty("first_epoch_at_target") int firstEpochAtTarget,
      @JsonProperty("last3_at_target") int last3AtTarget) {}

  /** Minimum, mean and sample standard deviation (0 for a single seed). */
  public record Stats(double min, double mean, double std) {
    public static Stats of(List<Double> values) {
      double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
      double std = values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0;
      return new Stats(
          values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), mean, std);
    }
  }

  /** Summarizes runs of one recipe, one per seed. */
  public static Consistency of(List<RunResult> runs, double target) {
    List<Seed> seeds = new ArrayList<>();
    boolean consistent = !runs.isEmpty();
    for (RunResult run : runs) {
      List<EpochMetrics> epochs = run.epochs();
      int first = 0;
      for (EpochMetrics e : epochs) {
        if (e.testAcc() >= target) {
          first = e.epoch();
          break;
        }
      }
      int atTarget = 0;
      for (EpochMetrics e : epochs.subList(Math.max(0, epochs.size() - 3), epochs.size())) {
        if (e.testAcc() >= target) {
          atTarget++;
        }
      }
      seeds.add(
          new Seed(
              run.seed(),
              run.bestTestAccuracy(),
              run.last().testAcc(),
              run.minTestAccuracyOfLast(3),
              first,
              atTarget));
      consistent &= atTarget == Math.min(3, epochs.size());
    }
    return new Consistency(
        target,
        seeds,
        Stats.of(seeds.stream().map(Seed::best).toList()),
        Stats.of(seeds.stream().map(Seed::last).toList()),
        Stats.of(seeds.stream().map(Seed::minLast3).toList()),
        consistent);
  }

  /** A Markdown table, one row per seed, then the statistics over seeds and the verdict. */
  public String toMarkdown() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "| seed | best | final | min of last 3 | first epoch ≥ %.2f | last 3 ≥ %.2f |%n",
            target,
            target));
    b.append("|---:|---:|---:|---:|---:|---:|\n");
    for (Seed s : seeds) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %.2f | %.2f | %.2f | %s | %d/3 |%n",
              s.seed(),
              s.best(),
              s.last(),
              s.minLast3(),
              s.firstEpochAtTarget() == 0 ? "never" : Integer.toString(s.firstEpochAtTarget()),
              s.last3AtTarget()));
    }
    for (String[] row :
        new String[][] {
          {"best", fmt(best)}, {"final", fmt(last)}, {"min of last 3", fmt(minLast3)}
        }) {
      b.append(String.format(Locale.ROOT, "%n%s over seeds: %s", row[0], row[1]));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%n%nconsistently ≥ %.2f%% (every seed, each of its last 3 epochs): %s%n",
            target,
            consistent ? "yes" : "no"));
    return b.toString();
  }

  private static String fmt(Stats s) {
    return String.format(Locale.ROOT, "min %.2f, mean %.3f, std %.3f", s.min(), s.mean(), s.std());
  }
}
