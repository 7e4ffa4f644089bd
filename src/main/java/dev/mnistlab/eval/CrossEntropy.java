package dev.mnistlab.eval;

import ai.djl.ndarray.NDArray;

/** The loss training minimizes and evaluation reports, on log-probabilities. */
public final class CrossEntropy {
  private CrossEntropy() {}

  /**
   * Mean cross-entropy of log-probabilities against labels, with PyTorch's label smoothing: (1−ε)
   * of the true class's negative log-probability plus ε of the mean over all classes.
   */
  public static NDArray mean(NDArray logProbs, NDArray labels, double smoothing) {
    NDArray nll = logProbs.gather(labels.reshape(-1, 1), 1).neg().mean();
    if (smoothing == 0) {
      return nll;
    }
    NDArray uniform = logProbs.mean(new int[] {1}).neg().mean();
    return nll.mul((float) (1 - smoothing)).add(uniform.mul((float) smoothing));
  }
}
