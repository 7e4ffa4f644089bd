package dev.mnistlab.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.text.UsageException;
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
   * This experiment with every step's epochs and training-image limit replaced, for a quick smoke
   * run ({@code experiment run --epochs N --limit N}); each step keeps the rest of its recipe, and
   * the runs save the replaced values in their configuration.
   *
   * @param epochs epochs for every step, or null to keep each step's
   * @param limit training images for every step (0: all), or null to keep each step's
   * @throws IllegalArgumentException naming the option and the bad value
   */
  public Experiment shortened(Integer epochs, Integer limit) {
    if (epochs != null && epochs < 1) {
      throw new UsageException("--epochs must be at least 1, got " + epochs);
    }
    if (limit != null && limit < 0) {
      throw new UsageException("--limit must be 0 (all training images) or positive, got " + limit);
    }
    ObjectNode length = Mappers.YAML.createObjectNode();
    if (epochs != null) {
      length.put("epochs", epochs);
    }
    if (limit != null) {
      length.put("limit", limit);
    }
    List<Step> shortened =
        steps.stream()
            .map(
                s ->
                    new Step(
                        s.name(),
                        s.target(),
                        s.recipe()
                            .withConfig(
                                TrainConfigs.override(s.config(), length, "--epochs/--limit")),
                        s.analysis(),
                        s.reported()))
            .toList();
    return new Experiment(name, title, source, description, shortened, origin);
  }

  /**
   * One step.
   *
   * @param name short and unique within the experiment
   * @param target what the step aims at, in the author's words
   * @param recipe the step's configuration and the network its model field names, resolved when the
   *     experiment was read
   * @param analysis the author's own analysis, or empty
   * @param reported figures the original author reported for this step, if any
   */
  public record Step(
      String name, String target, Recipe recipe, String analysis, Reported reported) {
    /** The step's configuration: its recipe's. */
    public TrainConfig config() {
      return recipe.config();
    }
  }

  /**
   * What a seed system's README reports for a step; any field may be missing (null).
   *
   * @param params trainable parameters
   * @param bestTrain best train accuracy, percent
   * @param bestTest best test accuracy, percent
   * @param epochs epochs trained
   * @param heldFrom the epoch from which the author says test accuracy stayed at or above 99.40% to
   *     the end ("from the 10th epoch", "in the last three epochs" of 15: 13)
   * @param log the author's own test accuracy per epoch, percent, where a public notebook printed
   *     it; empty when none is known
   */
  public record Reported(
      Long params,
      @JsonProperty("best_train") Double bestTrain,
      @JsonProperty("best_test") Double bestTest,
      Integer epochs,
      @JsonProperty("held_from") Integer heldFrom,
      List<Double> log) {
    /** Nothing reported. */
    public static final Reported NONE = new Reported(null, null, null, null, null, List.of());

    /** An absent log is an empty one. */
    public Reported {
      log = log == null ? List.of() : List.copyOf(log);
    }
  }
}
