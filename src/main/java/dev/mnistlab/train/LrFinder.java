package dev.mnistlab.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.training.Trainer;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.UsageException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Leslie Smith's learning-rate range test: train from a fresh network while the rate grows
 * exponentially every batch, and watch the loss. It falls while the rate is useful and explodes
 * once it is too high; OneCycle's max_lr belongs a little below the bottom of the curve.
 */
public final class LrFinder {
  /** Smoothing of the loss curve (an exponential moving average, bias-corrected). */
  private static final double BETA = 0.9;

  /** The test stops once the smoothed loss exceeds this multiple of its minimum. */
  private static final double EXPLODED = 4;

  private LrFinder() {}

  /**
   * What the range test measured.
   *
   * @param lrs the learning rate of each step taken
   * @param losses the smoothed loss after each step
   * @param minLossLr the rate at the lowest smoothed loss
   * @param suggestedLr a tenth of {@code minLossLr}: high, yet safely below where the loss turns
   */
  public record Result(
      List<Double> lrs, List<Double> losses, double minLossLr, double suggestedLr) {}

  /** Hears each step of the test, for a progress display. */
  @FunctionalInterface
  public interface Progress {
    /** Step {@code done} of at most {@code steps} was taken at {@code lr}. */
    void step(int done, int steps, double lr, double smoothedLoss);
  }

  /** {@link #run(Recipe, DataStore.Loaded, double, double, int, Progress)} silently. */
  public static Result run(
      Recipe recipe, DataStore.Loaded data, double startLr, double endLr, int steps) {
    return run(recipe, data, startLr, endLr, steps, (done, total, lr, loss) -> {});
  }

  /**
   * Runs the test with the configuration's model, data, batch size, optimizer and augmentation; its
   * schedule, epochs and early stopping do not apply (the test sets the rate itself).
   *
   * @param steps batches to take, from {@code startLr} to {@code endLr}
   * @param progress told after every step; the test may end before {@code steps} once the loss
   *     explodes
   * @throws IllegalArgumentException on a bad range
   */
  public static Result run(
      Recipe recipe,
      DataStore.Loaded data,
      double startLr,
      double endLr,
      int steps,
      Progress progress) {
    TrainConfig config = recipe.config();
    ModelSpec spec = recipe.spec();
    if (!(startLr > 0 && endLr > startLr)) {
      throw new UsageException(
          "the range must satisfy 0 < start < end, got "
              + Plain.number(startLr)
              + " and "
              + Plain.number(endLr));
    }
    if (steps < 10) {
      throw new UsageException("steps must be at least 10, got " + steps);
    }
    Training.checkInput(config, spec, data);
    var train = data.train().first(config.limit() == 0 ? Integer.MAX_VALUE : config.limit());
    List<Double> lrs = new ArrayList<>();
    List<Double> losses = new ArrayList<>();
    try (Engines.Lease engine = Engines.claim("an LR range test of " + spec.name());
        Model model = Model.newInstance(spec.name(), Device.cpu());
        BatchLoader batches =
            new BatchLoader(
                train, data.dataset().normalization(), config.batchSize(), config.augment())) {
      Engines.seed(engine, config.seed());
      model.setBlock(BlockFactory.build(spec));
      TorchOptimizer optimizer = TorchOptimizer.of(config.optimizer());
      try (Trainer trainer = TrainingLoop.newTrainer(model, spec, optimizer)) {
        double average = 0;
        double best = Double.POSITIVE_INFINITY;
        int epoch = 1;
        Iterator<BatchLoader.Batch> it = batches.shuffled(config.seed(), epoch);
        for (int step = 0; step < steps; step++) {
          if (!it.hasNext()) {
            it = batches.shuffled(config.seed(), ++epoch);
          }
          double lr = startLr * Math.pow(endLr / startLr, step / (double) (steps - 1));
          optimizer.setLearningRate(lr);
          TrainingLoop.BatchOutcome outcome =
              TrainingLoop.trainBatch(trainer, spec, it.next(), config.labelSmoothing());
          if (!outcome.finite()) {
            break; // a gradient overflowed: the step was not taken, the range ends here
          }
          double loss = outcome.loss();
          average = BETA * average + (1 - BETA) * loss;
          double smoothed = average / (1 - Math.pow(BETA, step + 1));
          if (!Double.isFinite(smoothed) || smoothed > EXPLODED * best) {
            break;
          }
          best = Math.min(best, smoothed);
          lrs.add(lr);
          losses.add(smoothed);
          progress.step(step + 1, steps, lr, smoothed);
        }
      }
    }
    int lowest = 0;
    for (int i = 1; i < losses.size(); i++) {
      if (losses.get(i) < losses.get(lowest)) {
        lowest = i;
      }
    }
    double minLossLr = lrs.isEmpty() ? Double.NaN : lrs.get(lowest);
    return new Result(lrs, losses, minLossLr, minLossLr / 10);
  }
}
