package dev.mnistlab.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.engine.Machine;
import java.nio.file.Path;
import java.util.List;

/**
 * The outcome of a training run, as saved in {@code metrics.json}.
 *
 * @param trainableParams parameters the optimizer updates (PyTorch's count)
 * @param nonTrainableParams BatchNorm running statistics
 * @param trainImages images in the (possibly limited) training set
 * @param engine deep-learning engine name and version
 * @param machine the computer it trained on, the last one if it was resumed elsewhere ({@link
 *     Machine#describe()}); null in runs saved before it was recorded
 * @param provenance how the run was made (build, times, data checksums, normalization); null in
 *     runs saved before it was recorded
 * @param runDir the directory it was read from or written to (not saved)
 */
public record RunResult(
    String model,
    String dataset,
    @JsonProperty("trainable_params") long trainableParams,
    @JsonProperty("non_trainable_params") long nonTrainableParams,
    long seed,
    @JsonProperty("train_images") int trainImages,
    String engine,
    String machine,
    Provenance provenance,
    @JsonIgnore Path runDir,
    List<EpochMetrics> epochs) {

  /** The same result, located in {@code dir}. */
  public RunResult in(Path dir) {
    return new RunResult(
        model,
        dataset,
        trainableParams,
        nonTrainableParams,
        seed,
        trainImages,
        engine,
        machine,
        provenance,
        dir,
        epochs);
  }

  /**
   * The normalization the run trained with: as its provenance records it, or MNIST's for runs saved
   * before provenance was recorded (every one of them used MNIST's figures).
   */
  public Normalization normalization() {
    return provenance == null || provenance.normalization() == null
        ? Normalization.LEGACY
        : provenance.normalization();
  }

  /** Each epoch's test accuracy in percent, in order. */
  public List<Double> testAccuracies() {
    return EpochMetrics.testAccuracies(epochs);
  }

  /** The last epoch's metrics. */
  public EpochMetrics last() {
    return epochs.get(epochs.size() - 1);
  }

  /** The highest train accuracy of any epoch, in percent. */
  public double bestTrainAccuracy() {
    return epochs.stream().mapToDouble(EpochMetrics::trainAcc).max().orElse(Double.NaN);
  }

  /** The highest test accuracy of any epoch, in percent. */
  public double bestTestAccuracy() {
    return epochs.stream().mapToDouble(EpochMetrics::testAcc).max().orElse(Double.NaN);
  }

  /** The lowest test accuracy among the last {@code n} epochs, in percent. */
  public double minTestAccuracyOfLast(int n) {
    return epochs.subList(Math.max(0, epochs.size() - n), epochs.size()).stream()
        .mapToDouble(EpochMetrics::testAcc)
        .min()
        .orElse(Double.NaN);
  }
}
