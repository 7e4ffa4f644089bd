package dev.mnistlab.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.train.TrainConfig;
import java.util.List;

/**
 * An ordered progression of training steps, as in the seed systems' READMEs: each step a model, a
 * recipe, a target and the author's analysis.
 *
 * @param name short id, used for output directories
 * @param title one line for the report's heading
 * @param source where the progression comes from (a seed system, or mnistlab)
 * @param description what the progression shows
 * @param steps in order; every step's configuration is fully resolved
 * @param origin the file or resource it was read from, for messages
 */
public record Experiment(
    String name, String title, String source, String description, List<Step> steps, String origin) {

  /**
   * One step.
   *
   * @param name short and unique within the experiment
   * @param target what the step aims at, in the author's words
   * @param config the resolved training configuration (its model field names the model)
   * @param analysis the author's own analysis, or empty
   * @param reported figures the original author reported for this step, if any
   */
  public record Step(
      String name, String target, TrainConfig config, String analysis, Reported reported) {}

  /**
   * What a seed system's README reports for a step; any field may be missing (null).
   *
   * @param params trainable parameters
   * @param bestTrain best train accuracy, percent
   * @param bestTest best test accuracy, percent
   * @param epochs epochs trained
   */
  public record Reported(
      Long params,
      @JsonProperty("best_train") Double bestTrain,
      @JsonProperty("best_test") Double bestTest,
      Integer epochs) {
    /** Nothing reported. */
    public static final Reported NONE = new Reported(null, null, null, null);
  }
}
