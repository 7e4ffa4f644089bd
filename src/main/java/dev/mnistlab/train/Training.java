package dev.mnistlab.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.eval.CrossEntropy;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ParameterCount;
import dev.mnistlab.model.SpecException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Trains a model spec on a dataset and writes the run directory. */
public final class Training {
  private Training() {}

  /**
   * Runs the whole recipe: build, train {@code config.epochs()} epochs evaluating after each, save.
   * The loop below is the whole algorithm; nothing happens in listeners.
   *
   * @param runDir where metrics, configuration and the trained model are written
   * @return what was measured, also saved as {@code metrics.json}
   */
  public static RunResult run(
      TrainConfig config,
      ModelSpec spec,
      DataStore.Loaded data,
      Path runDir,
      TrainingObserver observer) {
    config.validate();
    int rows = data.train().rows();
    int cols = data.train().cols();
    ModelSpec.Shape3 input = spec.inputShape();
    if (input.channels() != 1 || input.height() != rows || input.width() != cols) {
      throw new SpecException(
          spec.source(),
          0,
          "input "
              + input
              + " does not match "
              + data.dataset()
              + "'s 1×"
              + rows
              + "×"
              + cols
              + " grayscale images");
    }
    RunDirectory out = RunDirectory.create(runDir);
    out.writeConfig(config, spec);
    // Seeds weight initialization and dropout masks inside the engine.
    Engine.getInstance().setRandomSeed((int) config.seed());
    var train = data.train().first(config.limit() == 0 ? Integer.MAX_VALUE : config.limit());
    try (Model model = Model.newInstance(spec.name(), Device.cpu());
        BatchLoader trainBatches = new BatchLoader(train, config.batchSize(), config.augment());
        BatchLoader testBatches = new BatchLoader(data.test(), 1000, Augmentation.NONE)) {
      model.setBlock(BlockFactory.build(spec));
      LrSchedule schedule = LrSchedule.of(config, trainBatches.batchesPerEpoch());
      MutableLr lr = new MutableLr();
      DefaultTrainingConfig trainingConfig =
          // DJL requires a loss here but the loop computes its own (CrossEntropy.mean on the
          // log-probabilities ModelSpec.logProbabilities derives from any head).
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(optimizer(config, lr))
              .optDevices(new Device[] {Device.cpu()})
              // PyTorch's default scale, U(±1/sqrt(fan_in)), which BatchNorm nets train well from.
              .optInitializer(
                  new XavierInitializer(
                      XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1),
                  Parameter.Type.WEIGHT);
      try (Trainer trainer = model.newTrainer(trainingConfig)) {
        trainer.initialize(new Shape(1, spec.inputShape().channels(), rows, cols));
        ParameterCount params = ParameterCount.of(model.getBlock());
        List<EpochMetrics> epochs = new ArrayList<>();
        int step = 0;
        for (int epoch = 1; epoch <= config.epochs(); epoch++) {
          observer.epochStarted(epoch, trainBatches.batchesPerEpoch());
          long start = System.nanoTime();
          double lossSum = 0;
          long correct = 0;
          long seen = 0;
          int batchIndex = 0;
          for (Iterator<BatchLoader.Batch> it = trainBatches.shuffled(config.seed(), epoch);
              it.hasNext(); ) {
            BatchLoader.Batch batch = it.next();
            lr.value = (float) schedule.lr(step++);
            // Everything created for this batch lives in its own manager, closed at the end.
            try (NDManager scope = trainer.getManager().newSubManager()) {
              NDArray x = scope.create(batch.pixels(), new Shape(batch.size(), 1, rows, cols));
              NDArray y = scope.create(batch.labels());
              try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray logProbs = spec.logProbabilities(logits);
                NDArray loss = CrossEntropy.mean(logProbs, y, config.labelSmoothing());
                collector.backward(loss);
                double batchLoss = loss.getFloat();
                if (!Double.isFinite(batchLoss)) {
                  throw new TrainingDivergedException(epoch, batchIndex + 1, batchLoss);
                }
                lossSum += batchLoss * batch.size();
                correct += logits.argMax(1).eq(y).sum().getLong();
              }
              trainer.step();
            }
            seen += batch.size();
            batchIndex++;
            observer.batchDone(batchIndex, lossSum / seen, seen / seconds(start));
          }
          double trainSeconds = seconds(start);
          Evaluator.Score test =
              Evaluator.evaluate(spec, model.getBlock(), trainer.getManager(), testBatches);
          EpochMetrics metrics =
              new EpochMetrics(
                  epoch,
                  lr.value,
                  lossSum / seen,
                  100.0 * correct / seen,
                  test.loss(),
                  test.accuracy(),
                  trainSeconds,
                  seen / trainSeconds);
          schedule.epochEnded(test.loss());
          epochs.add(metrics);
          observer.epochDone(metrics);
          if (config.stop().reached(epochs)) {
            break;
          }
        }
        RunResult result =
            new RunResult(
                spec.name(),
                data.dataset().id(),
                params.trainable(),
                params.nonTrainable(),
                config.seed(),
                train.count(),
                Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion(),
                runDir,
                epochs);
        out.writeMetrics(result);
        saveModel(model, runDir, config.epochs());
        return result;
      }
    }
  }

  private static Optimizer optimizer(TrainConfig config, MutableLr lr) {
    TrainConfig.Optimizer o = config.optimizer();
    float decay = (float) o.weightDecay();
    switch (o.type()) {
      case "adam":
        return Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(decay).build();
      case "adamw":
        // Decoupled weight decay (Loshchilov & Hutter), as torch.optim.AdamW.
        return Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays(decay).build();
      default:
        break;
    }
    return Optimizer.sgd()
        .setLearningRateTracker(lr)
        .optMomentum((float) o.momentum())
        .optWeightDecays((float) o.weightDecay())
        .build();
  }

  private static void saveModel(Model model, Path runDir, int epochs) {
    try {
      model.setProperty("Epoch", Integer.toString(epochs));
      model.save(runDir, RunDirectory.MODEL_NAME);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model into " + runDir, e);
    }
  }

  private static double seconds(long startNanos) {
    return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
  }

  /**
   * The learning rate the loop sets before each step. The loop owns the schedule so that the
   * sequence is exactly {@link LrSchedule}'s, independent of how DJL counts updates.
   */
  private static final class MutableLr implements ai.djl.training.tracker.Tracker {
    volatile float value;

    @Override
    public float getNewValue(int numUpdate) {
      return value;
    }
  }
}
