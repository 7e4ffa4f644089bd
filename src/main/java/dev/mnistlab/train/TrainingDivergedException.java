package dev.mnistlab.train;

import dev.mnistlab.text.Failure;
import java.nio.file.Path;

/**
 * The loss or a gradient became NaN or infinite; training stops rather than produce a meaningless
 * model. The checkpoint of the last good epoch stays in the run directory. The message tells
 * divergence (values grew until they overflowed: a lower learning rate helps) from an engine fault
 * (non-finite figures computed from ordinary ones: it does not), see {@link #engineFault()}.
 */
public class TrainingDivergedException extends RuntimeException implements Failure {
  @Override
  public int exitCode() {
    return FAILED;
  }

  private final boolean engineFault;

  /**
   * Non-finite figures computed from finite inputs and weights of ordinary size.
   *
   * @param what what stopped being finite, and where (a layer)
   * @param where {@code "at epoch 1, batch 2"} and the checkpoint kept
   */
  static TrainingDivergedException engineFault(String what, String where) {
    return new TrainingDivergedException(
        "the engine computed "
            + what
            + " "
            + where
            + ": an engine fault, not divergence (a lower learning rate would not help); run"
            + " ./mnistlab doctor to check this machine's kernels",
        true);
  }

  private TrainingDivergedException(String message, boolean engineFault) {
    super(message);
    this.engineFault = engineFault;
  }

  /** Whether the engine computed wrongly, rather than the training diverging. */
  public boolean engineFault() {
    return engineFault;
  }

  /**
   * {@code "at epoch 3, batch 12; the last good checkpoint (epoch 2) is kept in ..."}.
   *
   * @param completedEpochs epochs the kept checkpoint holds
   */
  static String where(int epoch, int batch, Path checkpoint, int completedEpochs) {
    return "at epoch "
        + epoch
        + (batch > 0 ? ", batch " + batch : "")
        + (completedEpochs == 0
            ? " (no epoch completed, so no checkpoint)"
            : "; the last good checkpoint (epoch "
                + completedEpochs
                + ") is kept in "
                + checkpoint);
  }

  /**
   * Values grew until the loss overflowed.
   *
   * @param where the epoch, batch and checkpoint kept, from {@link #where}
   */
  TrainingDivergedException(double loss, String where) {
    this(
        "training diverged: loss is " + loss + " " + where + " (try a lower learning rate)", false);
  }
}
