package dev.mnistlab.search;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.run.Consistency;
import java.util.ArrayList;
import java.util.List;

/**
 * What a search found (written as {@code search.json}).
 *
 * @param budget the most trainable parameters a candidate could have
 * @param shortEpochs epochs of the ranking runs
 * @param fullEpochs epochs of the full runs
 * @param seeds seeds of the full runs
 * @param target the bar: test accuracy (%) in each of the last 3 epochs for every seed
 * @param everySeed every finalist trained with every seed; otherwise seed by seed, each stopping at
 *     its first seed under the bar
 * @param candidates every candidate, best-ranked first
 * @param finalists the candidates trained fully, in rank order
 * @param winner the smallest finalist that held the bar, or null
 * @param failures the jobs that failed after their attempts (name, exit status, log)
 */
public record SearchResult(
    long budget,
    @JsonProperty("short_epochs") int shortEpochs,
    @JsonProperty("full_epochs") int fullEpochs,
    List<Long> seeds,
    double target,
    @JsonProperty("every_seed") boolean everySeed,
    List<Ranked> candidates,
    List<Finalist> finalists,
    String winner,
    List<String> failures) {

  /**
   * A candidate and its ranking run.
   *
   * @param shortAccuracy test accuracy (%) at the ranking run's last epoch; 0 when it failed
   * @param onFront whether no other candidate has at most its parameters and at least its accuracy
   *     (one of them strictly): the Pareto front of accuracy against parameters
   */
  public record Ranked(
      String name,
      String shape,
      @JsonProperty("trainable_params") long trainableParams,
      @JsonProperty("short_accuracy") double shortAccuracy,
      boolean failed,
      @JsonProperty("on_front") boolean onFront) {}

  /**
   * A candidate trained fully: every seed, or seed by seed until one misses the bar.
   *
   * @param consistency its seeds trained against the bar; null while some of its runs are
   *     unfinished and none has missed the bar
   * @param seedsSkipped seeds not trained because one seed already missed the bar (the search went
   *     seed by seed)
   */
  public record Finalist(
      String name,
      String shape,
      @JsonProperty("trainable_params") long trainableParams,
      Consistency consistency,
      @JsonProperty("seeds_skipped") List<Long> seedsSkipped) {
    /** Copies the seeds. */
    public Finalist {
      seedsSkipped = List.copyOf(seedsSkipped);
    }
  }

  /** The candidates with {@link Ranked#onFront} set. */
  static List<Ranked> markFront(List<Ranked> ranked) {
    List<Ranked> marked = new ArrayList<>();
    for (Ranked r : ranked) {
      boolean dominated = r.failed();
      for (Ranked other : ranked) {
        if (other != r
            && !other.failed()
            && other.trainableParams() <= r.trainableParams()
            && other.shortAccuracy() >= r.shortAccuracy()
            && (other.trainableParams() < r.trainableParams()
                || other.shortAccuracy() > r.shortAccuracy())) {
          dominated = true;
          break;
        }
      }
      marked.add(
          new Ranked(
              r.name(), r.shape(), r.trainableParams(), r.shortAccuracy(), r.failed(), !dominated));
    }
    return marked;
  }
}
