package dev.mnistlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.model.ModelSpec;
import java.util.Locale;

/**
 * Finds where a training step stopped being finite and tells an engine fault from divergence. A
 * network whose inputs, weights and activations are all of ordinary size cannot produce NaN or
 * infinity in exact arithmetic; when it does, the engine computed it wrongly, and a lower learning
 * rate would not help. Divergence is the other case: values that grew until they overflowed.
 */
final class NonFinite {
  /** Beyond this, values are treated as grown, not as ordinary: overflow is then arithmetic. */
  static final double LARGE = 1e6;

  private NonFinite() {}

  /** The largest absolute value in {@code array}, NaN or infinite where any value is. */
  static double maxAbs(NDArray array) {
    // Closed at once: they belong to the array's manager (the model's), which outlives the batch.
    try (NDArray abs = array.abs();
        NDArray max = abs.max()) {
      return max.getFloat();
    }
  }

  /**
   * The parameter-holding layer whose gradient is not finite, last in the network's order (the
   * first that a backward pass reaches), or null when every gradient is finite.
   */
  static String lastNonFiniteGradient(Block network) {
    String found = null;
    for (Pair<String, Parameter> p : network.getParameters()) {
      Parameter parameter = p.getValue();
      if (parameter.requiresGradient() && parameter.isInitialized()) {
        try (NDArray gradient = parameter.getArray().getGradient()) {
          if (!Double.isFinite(maxAbs(gradient))) {
            found = layerOf(p.getKey());
          }
        }
      }
    }
    return found;
  }

  /** The largest absolute weight in the network, NaN where any weight is NaN. */
  static double largestWeight(Block network) {
    double largest = 0;
    for (Pair<String, Parameter> p : network.getParameters()) {
      if (p.getValue().isInitialized()) {
        double m = maxAbs(p.getValue().getArray());
        largest = Double.isFinite(m) ? Math.max(largest, m) : m;
        if (!Double.isFinite(largest)) {
          return largest;
        }
      }
    }
    return largest;
  }

  /**
   * A layer whose output was not finite.
   *
   * @param inputMax the largest absolute value of its input
   */
  record Layer(String name, double inputMax) {
    /** Whether its input was finite and of ordinary size, so the layer itself went wrong. */
    boolean fromOrdinaryInput() {
      return Double.isFinite(inputMax) && inputMax < LARGE;
    }

    @Override
    public String toString() {
      return name
          + String.format(Locale.ROOT, " (its input was finite, largest |value| %.3g)", inputMax);
    }
  }

  /**
   * Runs {@code input} through the network's layers one at a time, as training does, and returns
   * the first whose output is not finite; null when all are finite or the network is not a plain
   * sequence of layers.
   */
  static Layer firstNonFiniteOutput(Block network, ParameterStore store, NDArray input) {
    if (!(network instanceof SequentialBlock sequence)) {
      return null;
    }
    NDList x = new NDList(input);
    for (Pair<String, Block> layer : sequence.getChildren()) {
      double before = maxAbs(x.singletonOrThrow());
      x = layer.getValue().forward(store, x, true);
      double after = maxAbs(x.singletonOrThrow());
      if (!Double.isFinite(after)) {
        return new Layer(layerOf(layer.getKey()), before);
      }
    }
    return null;
  }

  /**
   * The error for a batch whose loss or gradients were not finite: an engine fault when the weights
   * and activations feeding it were of ordinary size, divergence otherwise.
   *
   * @param where the epoch, batch and checkpoint kept, in words
   */
  static TrainingDivergedException diagnose(
      Trainer trainer,
      ModelSpec spec,
      BatchLoader.Batch batch,
      TrainingLoop.BatchOutcome outcome,
      String where) {
    Block network = trainer.getModel().getBlock();
    double weights = largestWeight(network);
    boolean ordinary = Double.isFinite(weights) && weights < LARGE;
    if (ordinary && outcome.nonFiniteGradient() != null) {
      return TrainingDivergedException.engineFault(
          "a NaN or infinite gradient from a finite loss ("
              + outcome.loss()
              + "); the first non-finite gradient going backward was "
              + outcome.nonFiniteGradient()
              + "'s (the fault is in that layer or in the backward pass of a layer after it)",
          where);
    }
    if (ordinary) {
      try (NDManager scope = trainer.getManager().newSubManager()) {
        NDArray x = TrainingLoop.input(scope, spec, batch);
        Layer layer = firstNonFiniteOutput(network, new ParameterStore(scope, false), x);
        if (layer != null && layer.fromOrdinaryInput()) {
          return TrainingDivergedException.engineFault(
              "a NaN or infinite output in the forward pass of " + layer, where);
        }
      }
    }
    return new TrainingDivergedException(outcome.loss(), where);
  }

  /**
   * The error for an epoch whose every batch was finite but whose test loss (or summed training
   * loss) is not: an engine fault while the weights are of ordinary size, divergence when the
   * epoch's last steps grew them.
   */
  static TrainingDivergedException afterEpoch(
      Block network, double testLoss, double trainLoss, String where) {
    double weights = largestWeight(network);
    if (Double.isFinite(weights) && weights < LARGE) {
      return TrainingDivergedException.engineFault(
          "a test loss of "
              + testLoss
              + " from finite weights after a finite training epoch (train loss "
              + trainLoss
              + ")",
          where);
    }
    return new TrainingDivergedException(testLoss, where);
  }

  /** {@code "layer 5 (Conv2d)"} from a name such as {@code 05Conv2d_weight}. */
  static String layerOf(String name) {
    int digits = 0;
    while (digits < name.length() && Character.isDigit(name.charAt(digits))) {
      digits++;
    }
    String rest = name.substring(digits);
    int underscore = rest.indexOf('_');
    String type = underscore < 0 ? rest : rest.substring(0, underscore);
    return digits == 0
        ? "layer " + type
        : "layer " + Integer.parseInt(name.substring(0, digits)) + " (" + type + ")";
  }
}
