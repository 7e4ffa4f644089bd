package dev.mnistlab.experiment;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.text.Plain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an experiment's directory holds for one step, against the step's recipe ({@link
 * ExperimentDirectory#status}).
 *
 * @param index the step's position, from 1
 * @param dir the step's directory
 * @param complete seeds whose run finished
 * @param incomplete seeds whose run was interrupted
 * @param differences how the runs' recipe differs from the step's (the run's value first); empty
 *     when the runs are of the step's recipe or there are none
 * @param shortened the runs are of the step's recipe with fewer epochs or training images: a smoke
 *     run ({@code experiment run --epochs N --limit N})
 */
public record StepStatus(
    int index,
    Experiment.Step step,
    Path dir,
    List<Long> complete,
    List<Long> incomplete,
    List<Recipe.Difference> differences,
    boolean shortened) {
  /** Whether any run of the step is there. */
  public boolean hasRuns() {
    return !complete.isEmpty() || !incomplete.isEmpty();
  }

  /** One line: which seeds ran, and whether they are a smoke run or of another recipe. */
  public String describe() {
    if (!hasRuns()) {
      return "not run";
    }
    List<String> parts = new ArrayList<>();
    if (!complete.isEmpty()) {
      parts.add("complete: seed " + Plain.list(complete));
    }
    if (!incomplete.isEmpty()) {
      parts.add("interrupted: seed " + Plain.list(incomplete));
    }
    String line = String.join(", ", parts);
    if (shortened) {
      return line + "; SMOKE RUN (" + lengths(this) + ")";
    }
    if (!differences.isEmpty()) {
      return line
          + "; another recipe ("
          + String.join(", ", differences.stream().map(Recipe.Difference::toString).toList())
          + "), replaced on the next run";
    }
    return line;
  }

  /** How a smoke run's length differs from the recipe's: {@code epochs 2, recipe 15}. */
  static String lengths(StepStatus status) {
    return String.join(
        "; ",
        status.differences().stream()
            .map(
                d ->
                    d.field().equals("limit")
                        ? "limit " + images(d.was()) + ", recipe " + images(d.now())
                        : d.field() + " " + d.was() + ", recipe " + d.now())
            .toList());
  }

  private static String images(String limit) {
    long n = Long.parseLong(limit);
    return n == 0 ? "all images" : Plain.count(n, "image");
  }
}
