package dev.mnistlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistlab.model.LayerSpec;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.train.RunDirectory;
import dev.mnistlab.train.TrainConfig;
import java.util.ArrayList;
import java.util.Iterator;
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
      return was.equals(now)
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
    compare(
        RunDirectory.YAML.valueToTree(config),
        RunDirectory.YAML.valueToTree(other.config),
        "",
        out);
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

  private static void compare(JsonNode a, JsonNode b, String prefix, List<Difference> out) {
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (prefix.isEmpty() && NOT_RECIPE.contains(name)) {
        continue;
      }
      JsonNode x = a.get(name);
      JsonNode y = b.get(name);
      if (x.isObject() && y != null && y.isObject()) {
        compare(x, y, prefix + name + ".", out);
      } else if (!same(x, y)) {
        out.add(new Difference(prefix + name, text(x), text(y)));
      }
    }
  }

  private static boolean same(JsonNode x, JsonNode y) {
    if (y == null) {
      return false;
    }
    if (x.isNumber() && y.isNumber()) {
      return x.asDouble() == y.asDouble();
    }
    return x.equals(y);
  }

  /** A value as the output shows it: plain numbers, lists without brackets. */
  static String text(JsonNode value) {
    if (value == null || value.isNull()) {
      return "none";
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(v -> items.add(text(v)));
      return items.isEmpty() ? "none" : String.join(", ", items);
    }
    if (value.isNumber()) {
      return Plain.number(value.asDouble());
    }
    return value.asText();
  }
}
