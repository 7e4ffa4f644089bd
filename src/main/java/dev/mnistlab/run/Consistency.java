package dev.mnistlab.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How consistently one recipe reaches a target test accuracy across seeds: per seed the best and
 * final accuracy, the first epoch at or above the target and how many of the last three epochs are;
 * over seeds the minimum, mean and standard deviation. A run of fewer than three epochs is measured
 * over the epochs it has, and every text says how many that is ("last 2"), never "last 3".
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
   * @param minLast3 the lowest test accuracy of the last {@code lastEpochs} epochs
   * @param firstEpochAtTarget first epoch with test accuracy ≥ target, or 0 when none
   * @param last3AtTarget how many of the last {@code lastEpochs} epochs reached the target
   * @param lastEpochs how many epochs the "last 3" figures cover: 3, or the run's epochs when it
   *     has fewer (0 in files written before it was recorded, which always meant 3); the JSON names
   *     {@code min_last3} and {@code last3_at_target} stay for those files' readers
   */
  public record Seed(
      long seed,
      double best,
      @JsonProperty("final") double last,
      @JsonProperty("min_last3") double minLast3,
      @JsonProperty("first_epoch_at_target") int firstEpochAtTarget,
      @JsonProperty("last3_at_target") int last3AtTarget,
      @JsonProperty("last_epochs") int lastEpochs) {

    /** The window of the "last 3" figures, reading 0 (files before it was recorded) as 3. */
    public int window() {
      return lastEpochs == 0 ? LAST : lastEpochs;
    }
  }

  /** The epochs at the end of a run that the figures called "last 3" cover, at most. */
  public static final int LAST = 3;

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
      int window = Math.min(LAST, epochs.size());
      for (EpochMetrics e : epochs.subList(epochs.size() - window, epochs.size())) {
        if (e.testAcc() >= target) {
          atTarget++;
        }
      }
      seeds.add(
          new Seed(
              run.seed(),
              run.bestTestAccuracy(),
              run.last().testAcc(),
              run.minTestAccuracyOfLast(window),
              first,
              atTarget,
              window));
      consistent &= atTarget == window;
    }
    return new Consistency(
        target,
        seeds,
        Stats.of(seeds.stream().map(Seed::best).toList()),
        Stats.of(seeds.stream().map(Seed::last).toList()),
        Stats.of(seeds.stream().map(Seed::minLast3).toList()),
        consistent);
  }

  /**
   * A Markdown table, one row per seed, then the statistics over seeds and the verdict. Runs of
   * fewer than 3 epochs say how many epochs their "last" figures cover; the minimum of a single
   * last epoch is "n/a" (it is the final accuracy).
   */
  public String toMarkdown() {
    String lastN = lastLabel();
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "| seed | best | final | min of %s | first epoch ≥ %.2f | %s ≥ %.2f |%n",
            lastN,
            target,
            lastN,
            target));
    b.append("|---:|---:|---:|---:|---:|---:|\n");
    for (Seed s : seeds) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %.2f | %.2f | %s | %s | %d/%d |%n",
              s.seed(),
              s.best(),
              s.last(),
              minOfLast(s),
              s.firstEpochAtTarget() == 0 ? "never" : Integer.toString(s.firstEpochAtTarget()),
              s.last3AtTarget(),
              s.window()));
    }
    b.append(String.format(Locale.ROOT, "%nbest over seeds: %s", fmt(best)));
    b.append(String.format(Locale.ROOT, "%nfinal over seeds: %s", fmt(last)));
    if (seeds.stream().anyMatch(s -> s.window() > 1)) {
      b.append(String.format(Locale.ROOT, "%nmin of %s over seeds: %s", lastN, fmt(minLast3)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%n%nconsistently ≥ %.2f%% (every seed, each of its %s): %s%n",
            target,
            epochsLabel(),
            consistent ? "yes" : "no"));
    return b.toString();
  }

  /** "last 3", or "last 2" when every seed's run has 2 epochs, "last 1–3" when they differ. */
  private String lastLabel() {
    int low = seeds.stream().mapToInt(Seed::window).min().orElse(LAST);
    int high = seeds.stream().mapToInt(Seed::window).max().orElse(LAST);
    return low == high ? "last " + low : "last " + low + "–" + high;
  }

  private String epochsLabel() {
    String label = lastLabel();
    return label.equals("last 1") ? "last epoch" : label + " epochs";
  }

  private static String minOfLast(Seed s) {
    return s.window() > 1 ? String.format(Locale.ROOT, "%.2f", s.minLast3()) : "n/a";
  }

  private static String fmt(Stats s) {
    return String.format(Locale.ROOT, "min %.2f, mean %.3f, std %.3f", s.min(), s.mean(), s.std());
  }
}
