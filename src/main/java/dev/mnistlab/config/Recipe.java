package dev.mnistlab.config;

import dev.mnistlab.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a run is made of, resolved: the validated training configuration and the network its {@code
 * model} field names, as a spec. The command line resolves a recipe once ({@code --model}, {@code
 * --recipe}, {@code --config} and the flags) and hands it down; a run directory saves it as {@code
 * config.yaml} and {@code model.yaml}, so the files reproduce the run. Nothing below the command
 * line resolves a model name again.
 *
 * <p>Two recipes are the same when the runs of one are runs of the other, so the seed (each run's
 * directory names it), the engine's thread count (how a run is executed) and the model's name (the
 * network counts, not what it is called) are left out of {@link #differences}.
 *
 * @param config the configuration, validated
 * @param spec the network {@code config.model()} resolved to
 */
public record Recipe(TrainConfig config, ModelSpec spec) {
  private static final Set<String> NOT_RECIPE = Set.of("seed", "threads", "model");

  /** Fields a smoke run shortens ({@code experiment run --epochs N --limit N}). */
  public static final Set<String> RUN_LENGTH = Set.of("epochs", "limit");

  /** Both parts are required. */
  public Recipe {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(spec, "spec");
  }

  /**
   * The recipe of {@code config} and the network it names, already resolved by the caller.
   *
   * @throws IllegalArgumentException naming the field when the configuration is not valid
   */
  public static Recipe of(TrainConfig config, ModelSpec spec) {
    return new Recipe(config.validate(), spec);
  }

  /** The same network under another configuration, validated (a seed, a length, a flag). */
  public Recipe withConfig(TrainConfig other) {
    return of(other, spec);
  }

  /** The same recipe with another seed: one run of a multi-seed set. */
  public Recipe withSeed(long seed) {
    return new Recipe(config.withSeed(seed), spec);
  }

  /** The model's name, as the configuration gives it (a zoo name or a spec file). */
  public String model() {
    return config.model();
  }

  /** Whether both recipes train the same network: its input and layers, whatever its name. */
  public boolean sameNetwork(Recipe other) {
    return spec.inputShape().equals(other.spec.inputShape())
        && spec.layers().equals(other.spec.layers());
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
      return Objects.equals(was, now)
          ? field + " " + was + " (its layers changed)"
          : field + " " + was + " → " + now;
    }
  }

  /** The fields that differ from {@code other}, in the configuration's order; empty if none. */
  public List<Difference> differences(Recipe other) {
    List<Difference> out = new ArrayList<>();
    if (!sameNetwork(other)) {
      out.add(new Difference("model", model(), other.model()));
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
