package dev.mnistlab.train;

/** Receives progress from {@link Training}; the console prints it, tests usually ignore it. */
public interface TrainingObserver {
  /** Does nothing. */
  TrainingObserver SILENT = new TrainingObserver() {};

  /** A run continues from its checkpoint, after the {@code completed} epochs it holds. */
  default void resumed(java.util.List<EpochMetrics> completed) {}

  /** An epoch of {@code batches} batches begins. */
  default void epochStarted(int epoch, int batches) {}

  /** A batch finished: running mean loss so far this epoch, and throughput. */
  default void batchDone(int batch, double runningLoss, double imagesPerSecond) {}

  /** An epoch finished, evaluation included. */
  default void epochDone(EpochMetrics metrics) {}
}
