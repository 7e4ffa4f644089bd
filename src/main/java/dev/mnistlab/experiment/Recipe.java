package dev.mnistlab.experiment;

import dev.mnistlab.config.ConfigDiff;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.model.LayerSpec;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.run.RunDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a step's runs were made of, as resolved objects: the configuration and the network it built.
 * Two recipes are the same when the runs of one are runs of the other, so the seed (each run's
 * directory names it), the engine's thread count (how a run is executed) and the model's name (the
 * network counts, not what it is called) are left out of the comparison.
 *
 * @param config the resolved configuration
 * @param model the model's name, as the configuration gives it
 * @param input the network's input shape
 * @param layers the network's layers
 */
public record Recipe(
    TrainConfig config, String model, ModelSpec.Shape3 input, List<LayerSpec> layers) {
  private static final Set<String> NOT_RECIPE = Set.of("seed", "threads", "model");

  /** Fields a smoke run shortens ({@code experiment run --epochs N --limit N}). */
  static final Set<String> RUN_LENGTH = Set.of("epochs", "limit");

  /** A step's recipe: its configuration and the model it names, resolved. */
  public static Recipe of(TrainConfig config) {
    return of(config, ModelZoo.resolve(config.model()));
  }

  /** The recipe a run directory saved: its {@code config.yaml} and {@code model.yaml}. */
  public static Recipe of(RunDirectory run) {
    return of(run.readConfig(), run.readSpec());
  }

  private static Recipe of(TrainConfig config, ModelSpec spec) {
    return new Recipe(config, config.model(), spec.inputShape(), spec.layers());
  }

  /**
   * One field that differs.
   *
   * @param field the configuration's name for it, dotted ({@code augment.rotation}), or {@code
   *     model} when the network differs
   * @param was this recipe's value
   * @param now the other recipe's value
   */
  public record Difference(String field, String was, String now) {
    @Override
    public String toString() {
      // Only the model can differ under one name: its spec file was edited.
      // A value absent on one side (test_normalization's default) is null here.
      return java.util.Objects.equals(was, now)
          ? field + " " + was + " (its layers changed)"
          : field + " " + was + " → " + now;
    }
  }

  /** The fields that differ from {@code other}, in the configuration's order; empty if none. */
  public List<Difference> differences(Recipe other) {
    List<Difference> out = new ArrayList<>();
    if (!input.equals(other.input) || !layers.equals(other.layers)) {
      out.add(new Difference("model", model, other.model));
    }
    for (ConfigDiff.Change change : ConfigDiff.between(config, other.config).changes()) {
      if (!NOT_RECIPE.contains(change.field())) {
        out.add(new Difference(change.field(), change.before(), change.after()));
      }
    }
    return out;
  }

  /**
   * Whether the differences only shorten the run (fewer epochs, fewer training images): a smoke run
   * of the same recipe. {@code differences} must come from {@code this.differences(other)}, where
   * {@code this} is the run's recipe and {@code other} the experiment's.
   */
  public boolean isShortenedFrom(Recipe recipe, List<Difference> differences) {
    if (differences.isEmpty()
        || !differences.stream().allMatch(d -> RUN_LENGTH.contains(d.field()))) {
      return false;
    }
    boolean fewerImages =
        config.limit() == recipe.config.limit()
            || (config.limit() > 0
                && (recipe.config.limit() == 0 || config.limit() < recipe.config.limit()));
    return config.epochs() <= recipe.config.epochs() && fewerImages;
  }
}
