package dev.mnistlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.model.ModelSpec;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/** Mean cross-entropy and accuracy of a network over a split, in inference mode. */
public final class Evaluator {
  private Evaluator() {}

  /**
   * @param loss mean cross-entropy per image
   * @param accuracy percentage of images classified correctly
   */
  public record Score(double loss, double accuracy) {}

  /** Runs every batch of {@code loader} in file order through {@code block}. */
  public static Score evaluate(ModelSpec spec, Block block, NDManager manager, BatchLoader loader) {
    int rows = spec.inputShape().height();
    int cols = spec.inputShape().width();
    double lossSum = 0;
    long correct = 0;
    ParameterStore parameters = new ParameterStore(manager, false);
    for (Iterator<BatchLoader.Batch> it = loader.inOrder(); it.hasNext(); ) {
      BatchLoader.Batch batch = it.next();
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = scope.create(batch.pixels(), new Shape(batch.size(), 1, rows, cols));
        NDArray y = scope.create(batch.labels());
        NDArray logits = block.forward(parameters, new NDList(x), false).singletonOrThrow();
        NDArray logProbs = spec.logProbabilities(logits);
        lossSum += CrossEntropy.mean(logProbs, y, 0).getFloat() * batch.size();
        correct += logits.argMax(1).eq(y).sum().getLong();
      }
    }
    return new Score(lossSum / loader.size(), 100.0 * correct / loader.size());
  }

  /**
   * Every image's true label, predicted label and the predicted class's probability.
   *
   * @param labels true labels in file order
   * @param predicted the network's class for each image
   * @param confidence the probability the network gave its class
   */
  public record Predictions(int[] labels, int[] predicted, float[] confidence) {
    /** Images classified correctly, in percent. */
    public double accuracy() {
      long correct = 0;
      for (int i = 0; i < labels.length; i++) {
        correct += labels[i] == predicted[i] ? 1 : 0;
      }
      return 100.0 * correct / labels.length;
    }

    /** Counts by true label (rows) and predicted label (columns). */
    public long[][] confusion(int classes) {
      long[][] matrix = new long[classes][classes];
      for (int i = 0; i < labels.length; i++) {
        matrix[labels[i]][predicted[i]]++;
      }
      return matrix;
    }

    /** Indices of misclassified images, the most confidently wrong first. */
    public List<Integer> misclassified(int limit) {
      return IntStream.range(0, labels.length)
          .filter(i -> labels[i] != predicted[i])
          .boxed()
          .sorted(Comparator.comparingDouble((Integer i) -> -confidence[i]).thenComparing(i -> i))
          .limit(limit)
          .toList();
    }
  }

  /** Classifies every image of {@code loader} in file order. */
  public static Predictions predict(
      ModelSpec spec, Block block, NDManager manager, BatchLoader loader) {
    int rows = spec.inputShape().height();
    int cols = spec.inputShape().width();
    int[] labels = new int[loader.size()];
    int[] predicted = new int[loader.size()];
    float[] confidence = new float[loader.size()];
    ParameterStore parameters = new ParameterStore(manager, false);
    int offset = 0;
    for (Iterator<BatchLoader.Batch> it = loader.inOrder(); it.hasNext(); ) {
      BatchLoader.Batch batch = it.next();
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = scope.create(batch.pixels(), new Shape(batch.size(), 1, rows, cols));
        NDArray logits = block.forward(parameters, new NDList(x), false).singletonOrThrow();
        NDArray probabilities = spec.logProbabilities(logits).exp();
        long[] classes = probabilities.argMax(1).toLongArray();
        float[] best = probabilities.max(new int[] {1}).toFloatArray();
        for (int i = 0; i < batch.size(); i++) {
          labels[offset + i] = (int) batch.labels()[i];
          predicted[offset + i] = (int) classes[i];
          confidence[offset + i] = best[i];
        }
        offset += batch.size();
      }
    }
    return new Predictions(labels, predicted, confidence);
  }
}
