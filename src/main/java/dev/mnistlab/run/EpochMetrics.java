package dev.mnistlab.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one epoch measured. Accuracies are percentages (99.42, not 0.9942); train figures are the
 * running averages over the epoch's batches, with augmentation and dropout on, as PyTorch notebooks
 * report them.
 *
 * @param lr learning rate of the epoch's last batch
 * @param seconds wall time of the epoch's training pass (evaluation excluded), which {@code
 *     imagesPerSecond} is measured over
 * @param wall seconds of the run so far at the end of this epoch: training, evaluation and the
 *     earlier epochs' checkpoints included (a resumed run adds its time to the saved epoch's,
 *     leaving the pause out); 0 in metrics and checkpoints written before it was recorded
 * @param threads the engine's intra-op threads that trained the epoch: a run continued under
 *     another thread count (its numbers then differ from an uninterrupted run's) says so epoch by
 *     epoch; 0 in metrics and checkpoints written before it was recorded
 */
public record EpochMetrics(
    int epoch,
    double lr,
    @JsonProperty("train_loss") double trainLoss,
    @JsonProperty("train_acc") double trainAcc,
    @JsonProperty("test_loss") double testLoss,
    @JsonProperty("test_acc") double testAcc,
    double seconds,
    @JsonProperty("images_per_second") double imagesPerSecond,
    double wall,
    int threads) {

  /** The canonical constructor is the one JSON files are read with (a missing field reads 0). */
  @JsonCreator
  public EpochMetrics {}

  /** Each epoch's test accuracy in percent, in order. */
  public static java.util.List<Double> testAccuracies(java.util.List<EpochMetrics> epochs) {
    return epochs.stream().map(EpochMetrics::testAcc).toList();
  }

  /** An epoch without its wall-clock time, as runs before it was recorded saved it. */
  public EpochMetrics(
      int epoch,
      double lr,
      double trainLoss,
      double trainAcc,
      double testLoss,
      double testAcc,
      double seconds,
      double imagesPerSecond) {
    this(epoch, lr, trainLoss, trainAcc, testLoss, testAcc, seconds, imagesPerSecond, 0, 0);
  }

  /** Whether {@link #wall} was recorded (runs saved before it was have 0). */
  public boolean hasWall() {
    return wall > 0;
  }
}
