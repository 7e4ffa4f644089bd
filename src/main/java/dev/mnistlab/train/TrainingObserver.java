package dev.mnistlab.train;

import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import java.util.List;

/** Receives progress from {@link Training}; the console prints it, tests usually ignore it. */
public interface TrainingObserver {
  /** Does nothing. */
  TrainingObserver SILENT = new TrainingObserver() {};

  /** A run continues from its checkpoint, after the {@code completed} epochs it holds. */
  default void resumed(List<EpochMetrics> completed) {}

  /**
   * The run directory already holds the complete run that was asked for; nothing is trained.
   *
   * @param result the saved run, whose epochs a console shows instead of training them again
   */
  default void alreadyComplete(RunResult result) {}

  /**
   * A finished run of {@code from} epochs continues to {@code to} epochs (its schedule does not
   * depend on the number of epochs).
   */
  default void extending(int from, int to) {}

  /**
   * The run was left by a process that died without releasing it, and is taken over.
   *
   * @param previousOwner who held it ("pid 4242 on h since 2026-11-24T13:00:00Z")
   * @param leftovers temporary files its interrupted writes left, now removed
   */
  default void recovered(String previousOwner, List<java.nio.file.Path> leftovers) {}

  /** An epoch of {@code batches} batches begins. */
  default void epochStarted(int epoch, int batches) {}

  /** A batch finished: running mean loss so far this epoch, and throughput. */
  default void batchDone(int batch, double runningLoss, double imagesPerSecond) {}

  /**
   * The epoch's training pass is over and the test split of {@code images} images is being scored;
   * on a CPU this takes a few seconds, which a console shows so the run does not look stalled.
   */
  default void evaluating(int epoch, int images) {}

  /** An epoch finished, evaluation included. */
  default void epochDone(EpochMetrics metrics) {}
}
