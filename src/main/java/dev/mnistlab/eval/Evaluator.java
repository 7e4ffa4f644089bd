package dev.mnistlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.data.Split;
import dev.mnistlab.model.ModelSpec;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Classifies a split in inference mode and scores it: in the training engine during training (each
 * epoch's evaluation), as inference runs it afterwards ({@code mnistlab evaluate}, reports: ONNX
 * Runtime where it agrees with the training engine, see {@link TrainedModel}).
 */
public final class Evaluator {
  private static final int BATCH = 1000;

  private Evaluator() {}

  /**
   * @param loss mean cross-entropy per image
   * @param accuracy percentage of images classified correctly
   */
  public record Score(double loss, double accuracy) {}

  /**
   * Per-class precision, recall and F1 (0 where undefined), and how many images carry the class.
   */
  public record ClassScore(int digit, double precision, double recall, double f1, long support) {}

  /**
   * Every image's true label, predicted label and the predicted class's probability, and the mean
   * loss over them.
   *
   * @param labels true labels in file order
   * @param predicted the network's class for each image
   * @param confidence the probability the network gave its class
   * @param loss mean cross-entropy per image
   */
  public record Predictions(int[] labels, int[] predicted, float[] confidence, double loss) {
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

    /** Precision, recall and F1 of each class, from the confusion matrix. */
    public List<ClassScore> perClass(int classes) {
      long[][] m = confusion(classes);
      return IntStream.range(0, classes)
          .mapToObj(
              c -> {
                long truePositives = m[c][c];
                long actual = 0;
                long predictedAs = 0;
                for (int k = 0; k < classes; k++) {
                  actual += m[c][k];
                  predictedAs += m[k][c];
                }
                double precision = predictedAs == 0 ? 0 : (double) truePositives / predictedAs;
                double recall = actual == 0 ? 0 : (double) truePositives / actual;
                double f1 =
                    precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
                return new ClassScore(c, precision, recall, f1, actual);
              })
          .toList();
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

  /** Loss and accuracy of every batch of {@code loader}, in file order. */
  public static Score evaluate(ModelSpec spec, Block block, NDManager manager, BatchLoader loader) {
    Predictions p = predict(spec, block, manager, loader);
    return new Score(p.loss(), p.accuracy());
  }

  /**
   * Classifies every image of {@code split} with a trained model, as inference runs it ({@link
   * TrainedModel#inference()}: ONNX Runtime where it agrees with the training engine).
   */
  public static Predictions predict(TrainedModel trained, Split split) {
    return predict(trained::logProbabilities, split);
  }

  /** Whatever gives log-probabilities for a batch of images with pixels in [0, 1]. */
  @FunctionalInterface
  public interface Scorer {
    /** {@code count × 10} log-probabilities of {@code count} images, C×H×W pixels each. */
    float[][] logProbabilities(float[] unitPixels, int count);
  }

  /**
   * The predictions of an ONNX model ({@link dev.mnistlab.export.OnnxExporter}'s input and output)
   * run by ONNX Runtime with {@code threads} threads: how {@code export --int8} scores its model.
   */
  public static Predictions predictOnnx(
      byte[] model, ModelSpec.Shape3 input, Split split, int threads) {
    try (OnnxInference onnx = OnnxInference.open(model, input, threads)) {
      return predict(
          (pixels, count) -> {
            float[] flat = onnx.logProbabilities(pixels, count);
            float[][] rows = new float[count][];
            for (int i = 0; i < count; i++) {
              rows[i] = java.util.Arrays.copyOfRange(flat, i * 10, (i + 1) * 10);
            }
            return rows;
          },
          split);
    }
  }

  /** The predictions of {@code scorer} on every image of {@code split}, in batches. */
  public static Predictions predict(Scorer scorer, Split split) {
    int count = split.count();
    int[] labels = new int[count];
    int[] predicted = new int[count];
    float[] confidence = new float[count];
    double lossSum = 0;
    for (int from = 0; from < count; from += BATCH) {
      int n = Math.min(BATCH, count - from);
      float[][] logProbs = scorer.logProbabilities(split.unitPixels(from, n), n);
      for (int i = 0; i < n; i++) {
        float[] row = logProbs[i];
        int label = split.labels()[from + i] & 0xff;
        int best = 0;
        for (int c = 1; c < row.length; c++) {
          best = row[c] > row[best] ? c : best;
        }
        labels[from + i] = label;
        predicted[from + i] = best;
        confidence[from + i] = (float) Math.exp(row[best]);
        lossSum -= row[label];
      }
    }
    return new Predictions(labels, predicted, confidence, lossSum / count);
  }

  /** Classifies every image of {@code loader} in file order. */
  public static Predictions predict(
      ModelSpec spec, Block block, NDManager manager, BatchLoader loader) {
    int rows = spec.inputShape().height();
    int cols = spec.inputShape().width();
    int[] labels = new int[loader.size()];
    int[] predicted = new int[loader.size()];
    float[] confidence = new float[loader.size()];
    double lossSum = 0;
    ParameterStore parameters = new ParameterStore(manager, false);
    int offset = 0;
    for (Iterator<BatchLoader.Batch> it = loader.inOrder(); it.hasNext(); ) {
      BatchLoader.Batch batch = it.next();
      try (NDManager scope = manager.newSubManager()) {
        NDArray x = scope.create(batch.pixels(), new Shape(batch.size(), 1, rows, cols));
        NDArray y = scope.create(batch.labels());
        NDArray logits = block.forward(parameters, new NDList(x), false).singletonOrThrow();
        NDArray logProbs = spec.logProbabilities(logits);
        lossSum += CrossEntropy.mean(logProbs, y, 0).getFloat() * batch.size();
        long[] classes = logits.argMax(1).toLongArray();
        float[] best = logProbs.max(new int[] {1}).exp().toFloatArray();
        for (int i = 0; i < batch.size(); i++) {
          labels[offset + i] = (int) batch.labels()[i];
          predicted[offset + i] = (int) classes[i];
          confidence[offset + i] = best[i];
        }
        offset += batch.size();
      }
    }
    return new Predictions(labels, predicted, confidence, lossSum / loader.size());
  }
}
