package dev.mnistlab.model;

import java.util.List;

/**
 * A model as data: a name, a one-line description, the input shape and an ordered list of layers.
 * Both the zoo and user files produce this type; {@link BlockFactory} turns it into a network.
 *
 * @param name the zoo name or the file's declared name
 * @param description one line saying what the model is and where it comes from
 * @param inputShape channels, height, width
 * @param layers the layers in order
 * @param lines the source line of each layer, for messages ({@code 0} when not from a file)
 * @param source the file or zoo resource the spec came from
 * @param recipe the training recipe the model is meant to be trained with, as the YAML text of a
 *     configuration's fields (any subset of a run's {@code config.yaml}); empty when the spec
 *     recommends none. {@code train --model} starts from it; the record models carry the recipe
 *     that holds their bar.
 */
public record ModelSpec(
    String name,
    String description,
    Shape3 inputShape,
    List<LayerSpec> layers,
    List<Integer> lines,
    String source,
    String recipe) {

  /** Number of classes every model must produce. */
  public static final int CLASSES = 10;

  public ModelSpec {
    layers = List.copyOf(layers);
    lines = List.copyOf(lines);
    recipe = recipe == null ? "" : recipe;
    if (layers.size() != lines.size()) {
      throw new IllegalArgumentException("one source line per layer is required");
    }
  }

  /** Whether the spec carries a recommended training recipe. */
  public boolean hasRecipe() {
    return !recipe.isBlank();
  }

  /** True when the last layer is a softmax, so outputs are probabilities rather than scores. */
  public boolean outputsProbabilities() {
    return layers.get(layers.size() - 1) instanceof LayerSpec.Softmax;
  }

  /**
   * The outputs of a network built from this spec as log-probabilities, the form the loss needs:
   * log of probabilities after a softmax head, log-softmax of scores otherwise (which leaves a
   * log-softmax head unchanged).
   */
  public ai.djl.ndarray.NDArray logProbabilities(ai.djl.ndarray.NDArray outputs) {
    return outputsProbabilities() ? outputs.clip(1e-12f, 1f).log() : outputs.logSoftmax(1);
  }

  /** A C×H×W shape; a flat vector of n values is n×1×1 with {@code flat} set. */
  public record Shape3(int channels, int height, int width, boolean flat) {
    /** A spatial shape. */
    public static Shape3 of(int channels, int height, int width) {
      return new Shape3(channels, height, width, false);
    }

    /** Number of values. */
    public long size() {
      return (long) channels * height * width;
    }

    @Override
    public String toString() {
      return flat ? Integer.toString(channels) : channels + "×" + height + "×" + width;
    }
  }
}
