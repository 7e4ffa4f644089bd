package dev.mnistlab.data;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.text.UsageException;

/**
 * How a dataset's pixels are fed to a network: a pixel scaled to [0, 1] becomes {@code (p − mean) /
 * std}. It belongs to the dataset (see {@link Dataset#normalization()}), and every path that feeds
 * a network (training, evaluation, prediction, the Java API, the exported ONNX graph) uses the one
 * a run recorded.
 *
 * @param mean mean of the training set's pixels scaled to [0, 1]
 * @param std standard deviation of the same
 */
public record Normalization(@JsonProperty("mean") float mean, @JsonProperty("std") float std) {
  /**
   * What every run before runs recorded their normalization used, whatever the dataset: MNIST's.
   */
  public static final Normalization LEGACY = new Normalization(0.1307f, 0.3081f);

  /**
   * @throws IllegalArgumentException when a value is not finite or the deviation is not positive
   */
  @JsonCreator
  public Normalization {
    if (!Float.isFinite(mean) || !Float.isFinite(std) || std <= 0) {
      throw new UsageException(
          "normalization needs a finite mean and a positive deviation, got mean "
              + mean
              + ", std "
              + std);
    }
  }

  /** A pixel in [0, 1], normalized. */
  public float apply(float unit) {
    return (unit - mean) / std;
  }

  /** An 8-bit pixel (0..255), normalized. */
  public float applyByte(int value) {
    return apply(value / 255f);
  }
}
