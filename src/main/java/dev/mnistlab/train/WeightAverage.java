package dev.mnistlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.mnistlab.config.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of every weight, as PyTorch's {@code AveragedModel(model,
 * multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)}: the first update copies the
 * network, each later one moves the average a fraction {@code 1 - decay} towards the current
 * weights. BatchNorm running statistics are averaged like the weights (they are parameters in DJL,
 * buffers in PyTorch, and {@code use_buffers=True} averages those too).
 *
 * <p>The average is what a run evaluates and saves when the recipe asks for it: late in a short
 * schedule the raw weights still move with every batch, and their average scores higher and more
 * steadily from one epoch to the next.
 */
final class WeightAverage implements AutoCloseable {
  private static final String PREFIX = "average:";

  private final double decay; // 0: no averaging; every method but close() does nothing
  private final List<Pair<String, Parameter>> parameters;
  private final NDManager manager;
  private final Map<String, NDArray> averages = new LinkedHashMap<>();

  /**
   * @param decay the weight of the old average in each update, in (0, 1); 0 for none, when the
   *     network is evaluated and saved as trained (checked by {@link TrainConfig#validate()})
   * @param block the network whose parameters are averaged
   * @param manager owns the averages for the rest of the run
   */
  WeightAverage(double decay, Block block, NDManager manager) {
    this.decay = decay;
    this.parameters = new ArrayList<>();
    block.getParameters().forEach(parameters::add);
    this.manager = manager.newSubManager();
  }

  /** Moves the average towards the current weights; call after every optimizer step. */
  void update() {
    if (decay == 0) {
      return;
    }
    for (Pair<String, Parameter> pair : parameters) {
      NDArray weights = pair.getValue().getArray();
      NDArray average = averages.get(pair.getKey());
      if (average == null) {
        average = weights.duplicate();
        average.attach(manager);
        averages.put(pair.getKey(), average);
      } else {
        try (NDArray step = weights.mul(1 - decay)) {
          average.muli(decay).addi(step);
        }
      }
    }
  }

  /**
   * Puts the average into the network until the returned swap is closed, which puts the trained
   * weights back; for evaluating and saving the averaged network.
   */
  Swap swapIn() {
    if (decay == 0) {
      return () -> {};
    }
    if (averages.isEmpty()) {
      throw new IllegalStateException("no weights averaged yet");
    }
    NDList trained = new NDList();
    for (Pair<String, Parameter> pair : parameters) {
      NDArray weights = pair.getValue().getArray();
      trained.add(weights.duplicate());
      overwrite(weights, averages.get(pair.getKey()));
    }
    return () -> {
      for (int i = 0; i < parameters.size(); i++) {
        overwrite(parameters.get(i).getValue().getArray(), trained.get(i));
      }
      trained.close();
    };
  }

  /** Restores the network's trained weights. */
  interface Swap extends AutoCloseable {
    @Override
    void close();
  }

  /** Copies of the averages, named for a checkpoint. */
  NDList state() {
    NDList arrays = new NDList();
    averages.forEach(
        (name, average) -> {
          NDArray copy = average.duplicate();
          copy.setName(PREFIX + name);
          arrays.add(copy);
        });
    return arrays;
  }

  /** True for a checkpoint array that {@link #state()} wrote. */
  static boolean isState(NDArray array) {
    return array.getName().startsWith(PREFIX);
  }

  /**
   * Takes back the averages {@link #state()} saved.
   *
   * @throws IllegalArgumentException when they do not match the network's parameters
   */
  void restore(List<NDArray> saved) {
    if (decay == 0 && !saved.isEmpty()) {
      throw new IllegalArgumentException(
          "it holds averaged weights but the configuration has no ema_decay");
    }
    if (decay > 0 && saved.isEmpty()) {
      throw new IllegalArgumentException(
          "it holds no averaged weights but the configuration has ema_decay " + decay);
    }
    if (decay == 0) {
      return;
    }
    Map<String, NDArray> byName = new LinkedHashMap<>();
    saved.forEach(array -> byName.put(array.getName().substring(PREFIX.length()), array));
    for (Pair<String, Parameter> pair : parameters) {
      NDArray average = byName.remove(pair.getKey());
      if (average == null || !average.getShape().equals(pair.getValue().getArray().getShape())) {
        throw new IllegalArgumentException(
            "the averaged weights do not match parameter " + pair.getKey());
      }
      average.attach(manager);
      averages.put(pair.getKey(), average);
    }
    if (!byName.isEmpty()) {
      throw new IllegalArgumentException(
          "averaged weights " + byName.keySet() + " are not in the model");
    }
  }

  /**
   * Writes {@code source} into the parameter array {@code target} in place, because the trainer
   * already holds {@code target}; zeroing then adding is exact for the finite values weights hold
   * ({@code copyTo} would swap the tensor's storage through a deprecated torch mode that prints a
   * warning). Also restores a checkpoint's parameters.
   */
  static void overwrite(NDArray target, NDArray source) {
    target.muli(0).addi(source);
  }

  @Override
  public void close() {
    manager.close();
  }
}
