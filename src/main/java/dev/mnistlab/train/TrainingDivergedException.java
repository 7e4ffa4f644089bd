package dev.mnistlab.train;

/** The loss became NaN or infinite; training stops rather than produce a meaningless model. */
public class TrainingDivergedException extends RuntimeException {
  /** Names the epoch and batch where the loss stopped being finite. */
  public TrainingDivergedException(int epoch, int batch, double loss) {
    super(
        "training diverged: loss is "
            + loss
            + " at epoch "
            + epoch
            + ", batch "
            + batch
            + " (try a lower learning rate)");
  }
}
