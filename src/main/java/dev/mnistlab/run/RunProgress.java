package dev.mnistlab.run;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A run as it trains, saved as {@code progress.json} after every epoch (and when it starts or
 * fails), so that {@code board}, {@code report} and {@code compare} can show a run that has not
 * finished. {@code metrics.json} stays the mark of a complete run; this file is its live companion
 * and says nothing the checkpoint does not, in a form anything can read.
 *
 * @param model the model's name
 * @param dataset the dataset's id
 * @param seed the run's seed
 * @param plannedEpochs the epochs the configuration asks for (a stop target may end it sooner)
 * @param trainableParams parameters the optimizer updates
 * @param trainImages images in the (possibly limited) training set
 * @param started when the run first started (ISO-8601)
 * @param updated when this file was last written (ISO-8601)
 * @param failure why the training stopped with an error, or null while none did
 * @param epochs every epoch completed so far
 */
public record RunProgress(
    String model,
    String dataset,
    long seed,
    @JsonProperty("planned_epochs") int plannedEpochs,
    @JsonProperty("trainable_params") long trainableParams,
    @JsonProperty("train_images") int trainImages,
    String started,
    String updated,
    String failure,
    List<EpochMetrics> epochs) {

  /** A missing list reads as no epochs. */
  public RunProgress {
    epochs = epochs == null ? List.of() : List.copyOf(epochs);
  }

  /** This run's progress with {@code done} epochs, written at {@code when}, failed for a reason. */
  public RunProgress at(List<EpochMetrics> done, String when, String failureReason) {
    return new RunProgress(
        model,
        dataset,
        seed,
        plannedEpochs,
        trainableParams,
        trainImages,
        started,
        when,
        failureReason,
        done);
  }
}
