package dev.mnistlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.model.ModelSpec;
import java.util.Iterator;

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
}
