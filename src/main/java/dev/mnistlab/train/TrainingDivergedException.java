package dev.mnistlab.train;

import java.nio.file.Path;

/**
 * The loss became NaN or infinite; training stops rather than produce a meaningless model. The
 * checkpoint of the last complete epoch stays in the run directory.
 */
public class TrainingDivergedException extends RuntimeException {
  /**
   * Names the epoch and batch where the loss stopped being finite, and the checkpoint kept.
   *
   * @param checkpoint the checkpoint file kept
   * @param completedEpochs epochs the kept checkpoint holds
   */
  public TrainingDivergedException(
      int epoch, int batch, double loss, Path checkpoint, int completedEpochs) {
    super(
        "training diverged: loss is "
            + loss
            + " at epoch "
            + epoch
            + ", batch "
            + batch
            + (completedEpochs == 0
                ? " (no epoch completed, so no checkpoint)"
                : "; the last good checkpoint (epoch "
                    + completedEpochs
                    + ") is kept in "
                    + checkpoint)
            + " (try a lower learning rate)");
  }
}
