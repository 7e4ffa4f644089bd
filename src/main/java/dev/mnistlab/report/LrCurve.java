package dev.mnistlab.report;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import dev.mnistlab.train.LrSchedule;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's learning rate over its optimizer steps, computed from its saved configuration: the
 * schedule is a pure function of the step (ReduceLROnPlateau of the test losses the run recorded,
 * which are replayed), so it can be drawn per batch although metrics keep one rate per epoch. The
 * computed rate at each epoch's last batch is checked against the recorded one; where they differ
 * the recorded per-epoch rates are drawn instead and the note says why.
 *
 * @param x position in epochs: step s (from 0) at (s + 1) / batches per epoch, so each epoch's last
 *     batch sits on its epoch number
 * @param perStep true when computed per step, false for the recorded per-epoch fallback
 * @param note how to read it (empty when nothing needs saying)
 */
public record LrCurve(
    double[] x,
    double[] lr,
    boolean perStep,
    double[] recordedEpochs,
    double[] recordedLr,
    String note) {

  /** More points than this would not show on an 800-pixel chart; steps are sampled evenly. */
  private static final int MAX_POINTS = 2000;

  /** The curve of {@code run}, trained with {@code config}. */
  public static LrCurve of(TrainConfig config, RunResult run) {
    List<EpochMetrics> epochs = run.epochs();
    double[] recordedX = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
    double[] recordedLr = epochs.stream().mapToDouble(EpochMetrics::lr).toArray();
    if (run.trainImages() <= 0 || config.batchSize() <= 0) {
      return new LrCurve(
          recordedX, recordedLr, false, recordedX, recordedLr, "per epoch: no image count saved");
    }
    // As the training loop's batches: the last batch of an epoch may be short.
    int batches = (run.trainImages() + config.batchSize() - 1) / config.batchSize();
    LrSchedule schedule = LrSchedule.of(config, batches);
    long total = (long) batches * epochs.size();
    int stride = (int) Math.max(1, total / MAX_POINTS);
    List<double[]> points = new ArrayList<>();
    for (int e = 0; e < epochs.size(); e++) {
      int first = e * batches;
      int last = first + batches - 1;
      for (int step = first; step <= last; step += stride) {
        points.add(new double[] {(step + 1) / (double) batches, schedule.lr(step)});
      }
      double end = schedule.lr(last);
      if ((last - first) % stride != 0) {
        points.add(new double[] {(last + 1) / (double) batches, end});
      }
      if (!close(end, recordedLr[e])) {
        return new LrCurve(
            recordedX,
            recordedLr,
            false,
            recordedX,
            recordedLr,
            "per epoch as recorded: the saved configuration gives "
                + Plain.significant(end)
                + " for epoch "
                + epochs.get(e).epoch()
                + ", the run recorded "
                + Plain.significant(recordedLr[e]));
      }
      // ReduceLROnPlateau decides after each epoch from its test loss, as training told it.
      schedule.epochEnded(epochs.get(e).testLoss());
    }
    String note =
        "plateau".equals(config.schedule().type())
            ? "per batch, replayed from the recorded test losses"
            : stride > 1 ? "one batch in " + stride + " of " + batches + " per epoch" : "";
    return new LrCurve(
        points.stream().mapToDouble(p -> p[0]).toArray(),
        points.stream().mapToDouble(p -> p[1]).toArray(),
        true,
        recordedX,
        recordedLr,
        note);
  }

  private static boolean close(double a, double b) {
    return Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12;
  }
}
