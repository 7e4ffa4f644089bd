package dev.mnistlab.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.data.Split;
import dev.mnistlab.engine.Convolutions;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.engine.Machine;
import dev.mnistlab.eval.CrossEntropy;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.io.DamagedFileException;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ParameterCount;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.Provenance;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunProgress;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Reasons;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The training loop, top to bottom: build the network, restore a checkpoint if there is one, then
 * per epoch train every batch, evaluate, checkpoint; finally save the weights and the metrics.
 * {@link Training} decides which run to train (new, continued, extended); this class trains it.
 * Nothing happens in listeners: the observer only hears what happened.
 */
final class TrainingLoop {
  private final TrainConfig config;
  private final ModelSpec spec;
  private final RunDirectory run;
  private final TrainingObserver observer;
  private final Engines.Lease engine;
  private final List<EpochMetrics> epochs = new ArrayList<>();

  /** When the run started; a resumed run keeps its first start. */
  private Instant started = Instant.now();

  /** The run's own clock: a resumed run adds to the last saved epoch's, leaving the pause out. */
  private final long clock = System.nanoTime();

  private double wallBefore;

  private TrainingLoop(
      Recipe recipe, RunDirectory run, TrainingObserver observer, Engines.Lease engine) {
    this.config = recipe.config();
    this.spec = recipe.spec();
    this.run = run;
    this.observer = observer;
    this.engine = engine;
  }

  /**
   * Trains {@code recipe} into {@code run}, from its checkpoint when {@code fromCheckpoint}, and
   * writes the weights and {@code metrics.json}.
   */
  static RunResult train(
      Recipe recipe,
      DataStore.Loaded data,
      RunDirectory run,
      TrainingObserver observer,
      boolean fromCheckpoint,
      Engines.Lease engine) {
    return new TrainingLoop(recipe, run, observer, engine).train(data, fromCheckpoint);
  }

  private RunResult train(DataStore.Loaded data, boolean fromCheckpoint) {
    // With a validation split the last images of the training set are held out and scored
    // instead of the test set, which then stays unseen until `evaluate`.
    Split all = data.train();
    int held = config.validation();
    Split scored = held > 0 ? all.last(held) : data.test();
    Split train =
        (held > 0 ? all.first(all.count() - held) : all)
            .first(config.limit() == 0 ? Integer.MAX_VALUE : config.limit());
    Normalization normalization = data.dataset().normalization();
    try (Model model = Model.newInstance(spec.name(), Device.cpu());
        BatchLoader trainBatches =
            new BatchLoader(train, normalization, config.batchSize(), config.augment());
        // A seed notebook may have normalized its test set with other values (TrainConfig).
        BatchLoader testBatches =
            new BatchLoader(
                scored,
                held == 0 && config.testNormalization() != null
                    ? config.testNormalization()
                    : normalization,
                1000,
                Augmentation.NONE);
        // --test-limit: the epochs before the last score the first images only, for speed.
        BatchLoader quickTestBatches =
            held == 0 && config.testLimit() > 0 && config.testLimit() < scored.count()
                ? new BatchLoader(
                    scored.first(config.testLimit()),
                    config.testNormalization() != null ? config.testNormalization() : normalization,
                    1000,
                    Augmentation.NONE)
                : null) {
      // Seeds weight initialization inside the engine.
      Engines.seed(engine, config.seed());
      model.setBlock(BlockFactory.build(spec));
      int batches = trainBatches.batchesPerEpoch();
      LrSchedule schedule = LrSchedule.of(config, batches);
      TorchOptimizer optimizer = TorchOptimizer.of(config.optimizer());
      try (Trainer trainer = newTrainer(model, spec, optimizer);
          WeightAverage average =
              new WeightAverage(config.emaDecay(), model.getBlock(), trainer.getManager())) {
        ParameterCount params = ParameterCount.of(model.getBlock());
        if (fromCheckpoint) {
          restore(model, optimizer, average);
          // ReduceLROnPlateau's state is a function of the test losses it was told.
          epochs.forEach(e -> schedule.epochEnded(e.testLoss()));
          observer.resumed(List.copyOf(epochs));
        }
        // What a watcher reads (progress.json): written before the first batch, so the run shows
        // from its start, then after every epoch.
        RunProgress progress =
            new RunProgress(
                spec.name(),
                data.dataset().id(),
                config.seed(),
                config.epochs(),
                params.trainable(),
                train.count(),
                started.toString(),
                Instant.now().toString(),
                null,
                epochs);
        run.writeProgress(progress);
        Epoch epoch =
            new Epoch(
                trainer, trainBatches, testBatches, quickTestBatches, schedule, optimizer, average);
        try {
          for (int n = epochs.size() + 1;
              n <= config.epochs() && !config.stop().reached(EpochMetrics.testAccuracies(epochs));
              n++) {
            EpochMetrics metrics = epoch.run(n);
            schedule.epochEnded(metrics.testLoss());
            epochs.add(metrics);
            Checkpoint.save(
                run.checkpointFile(),
                epochs,
                started.toString(),
                model.getBlock(),
                optimizer,
                average);
            run.writeProgress(progress.at(epochs, Instant.now().toString(), null));
            observer.epochDone(metrics);
          }
        } catch (RuntimeException e) {
          // A run that stopped with an error says why; one stopped or killed says nothing and
          // reads as interrupted.
          run.writeProgress(progress.at(epochs, Instant.now().toString(), Reasons.oneLine(e)));
          throw e;
        }
        RunResult result =
            new RunResult(
                spec.name(),
                data.dataset().id(),
                params.trainable(),
                params.nonTrainable(),
                config.seed(),
                train.count(),
                Engines.describe(),
                Machine.describe(),
                Provenance.of(data.dataset(), started),
                run.path(),
                epochs);
        try (WeightAverage.Swap averaged = average.swapIn()) {
          run.writeWeights(model, result.last().epoch());
        }
        // Written last: its presence marks the run complete.
        run.writeMetrics(result);
        return result;
      }
    }
  }

  /** Loads the checkpoint's weights, optimizer state, average and the epochs it recorded. */
  private void restore(Model model, TorchOptimizer optimizer, WeightAverage average) {
    Checkpoint saved =
        Checkpoint.load(
            run.checkpointFile(), model.getBlock(), optimizer, average, model.getNDManager());
    for (EpochMetrics e : saved.epochs()) {
      if (!Double.isFinite(e.trainLoss()) || !Double.isFinite(e.testLoss())) {
        // Kept by mnistlab before it checked; the weights after it cannot be trusted.
        throw new DamagedFileException(
            run.checkpointFile(),
            "saved after epoch "
                + e.epoch()
                + ", whose "
                + (Double.isFinite(e.trainLoss())
                    ? "test loss was " + e.testLoss()
                    : "train loss was " + e.trainLoss())
                + ": its weights are not a good epoch's; delete the run and train it again");
      }
    }
    epochs.addAll(saved.epochs());
    wallBefore =
        saved.epochs().isEmpty() ? 0 : saved.epochs().get(saved.epochs().size() - 1).wall();
    if (saved.started() != null) {
      started = Instant.parse(saved.started());
    }
  }

  /** What one epoch needs: the trainer, the batches, and the schedule, optimizer and average. */
  private final class Epoch {
    private final Trainer trainer;
    private final BatchLoader trainBatches;
    private final BatchLoader testBatches;
    private final BatchLoader quickTestBatches;
    private final LrSchedule schedule;
    private final TorchOptimizer optimizer;
    private final WeightAverage average;

    Epoch(
        Trainer trainer,
        BatchLoader trainBatches,
        BatchLoader testBatches,
        BatchLoader quickTestBatches,
        LrSchedule schedule,
        TorchOptimizer optimizer,
        WeightAverage average) {
      this.trainer = trainer;
      this.trainBatches = trainBatches;
      this.testBatches = testBatches;
      this.quickTestBatches = quickTestBatches;
      this.schedule = schedule;
      this.optimizer = optimizer;
      this.average = average;
    }

    /** Trains epoch {@code n} over every batch, then scores it; nothing is saved here. */
    EpochMetrics run(int n) {
      // Dropout draws from the engine's generator; seeding it per epoch lets a resumed run draw
      // the masks an uninterrupted one would.
      Engines.seed(engine, BatchLoader.mix(config.seed(), n, BatchLoader.DROPOUT_STREAM));
      int batches = trainBatches.batchesPerEpoch();
      observer.epochStarted(n, batches);
      long start = System.nanoTime();
      int step = (n - 1) * batches;
      double lossSum = 0;
      long correct = 0;
      long seen = 0;
      int batchIndex = 0;
      for (Iterator<BatchLoader.Batch> it = trainBatches.shuffled(config.seed(), n);
          it.hasNext(); ) {
        BatchLoader.Batch batch = it.next();
        optimizer.setLearningRate(schedule.lr(step));
        optimizer.setMomentum(schedule.momentum(step, config.optimizer().momentum()));
        step++;
        BatchOutcome outcome = trainBatch(trainer, spec, batch, config.labelSmoothing());
        batchIndex++;
        if (!outcome.finite()) {
          // Nothing was stepped: the weights are still those of the last finite batch.
          throw NonFinite.diagnose(
              trainer,
              spec,
              batch,
              outcome,
              TrainingDivergedException.where(n, batchIndex, run.checkpointFile(), epochs.size()));
        }
        average.update();
        lossSum += outcome.loss() * batch.size();
        correct += outcome.correct();
        seen += batch.size();
        observer.batchDone(batchIndex, lossSum / seen, seen / seconds(start));
      }
      double trainSeconds = seconds(start);
      // With ema_decay the averaged weights are what is tested (and saved at the end).
      // The last planned epoch always scores every image: the run's final figure is a full one.
      BatchLoader scoring =
          quickTestBatches != null && n < config.epochs() ? quickTestBatches : testBatches;
      observer.evaluating(n, scoring.size());
      Evaluator.Score test;
      try (WeightAverage.Swap averaged = average.swapIn()) {
        test =
            Evaluator.evaluate(spec, trainer.getModel().getBlock(), trainer.getManager(), scoring);
      }
      if (!Double.isFinite(test.loss()) || !Double.isFinite(lossSum)) {
        // Never kept as a checkpoint, so that a resume starts from the last good epoch.
        throw NonFinite.afterEpoch(
            trainer.getModel().getBlock(),
            test.loss(),
            lossSum / seen,
            TrainingDivergedException.where(n, 0, run.checkpointFile(), epochs.size()));
      }
      return new EpochMetrics(
          n,
          schedule.lr(step - 1),
          lossSum / seen,
          100.0 * correct / seen,
          test.loss(),
          test.accuracy(),
          trainSeconds,
          seen / trainSeconds,
          wallBefore + seconds(clock),
          Engines.threads());
    }
  }

  /**
   * A batch's mean loss and the number of its images classified correctly.
   *
   * @param nonFiniteGradient the layer a backward pass first reached with a NaN or infinite
   *     gradient, or null when all were finite
   */
  record BatchOutcome(double loss, long correct, String nonFiniteGradient) {
    /** Whether the loss and every gradient were finite (and so the step was taken). */
    boolean finite() {
      return Double.isFinite(loss) && nonFiniteGradient == null;
    }
  }

  /**
   * One optimizer step: forward, loss, backward, update (skipped when the loss or a gradient is not
   * finite, so that no NaN reaches the weights). Everything created for the batch lives in its own
   * manager, closed at the end.
   */
  static BatchOutcome trainBatch(
      Trainer trainer, ModelSpec spec, BatchLoader.Batch batch, double labelSmoothing) {
    try (NDManager scope = trainer.getManager().newSubManager()) {
      NDArray x = input(scope, spec, batch);
      NDArray y = scope.create(batch.labels());
      double loss;
      long correct;
      try (GradientCollector collector = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
        NDArray lossArray = CrossEntropy.mean(spec.logProbabilities(logits), y, labelSmoothing);
        // On the backend the engine self-check chose for gradients (dev.mnistlab.engine).
        Convolutions.backward(collector, lossArray);
        loss = lossArray.getFloat();
        correct = logits.argMax(1).eq(y).sum().getLong();
      }
      // Checked every batch (a few microseconds for networks this size): a kernel that returns NaN
      // now and then must be caught before the step spreads it to every weight.
      String nonFiniteGradient =
          Double.isFinite(loss)
              ? NonFinite.lastNonFiniteGradient(trainer.getModel().getBlock())
              : null;
      BatchOutcome outcome = new BatchOutcome(loss, correct, nonFiniteGradient);
      if (outcome.finite()) {
        trainer.step();
      }
      return outcome;
    }
  }

  /** A batch's pixels as the network's input, {@code N × C × H × W}, in {@code scope}. */
  static NDArray input(NDManager scope, ModelSpec spec, BatchLoader.Batch batch) {
    ModelSpec.Shape3 in = spec.inputShape();
    return scope.create(
        batch.pixels(), new Shape(batch.size(), in.channels(), in.height(), in.width()));
  }

  /**
   * A trainer for {@code model} with mnistlab's optimizer and PyTorch's initialization, its
   * parameters initialized for the spec's input shape.
   */
  static Trainer newTrainer(Model model, ModelSpec spec, TorchOptimizer optimizer) {
    DefaultTrainingConfig trainingConfig =
        // DJL requires a loss here but the loop computes its own (CrossEntropy.mean on the
        // log-probabilities ModelSpec.logProbabilities derives from any head).
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(optimizer)
            .optDevices(new Device[] {Device.cpu()})
            // PyTorch's default scale, U(±1/sqrt(fan_in)), which BatchNorm nets train well from.
            .optInitializer(
                new XavierInitializer(
                    XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1),
                Parameter.Type.WEIGHT);
    // libtorch's grad mode belongs to each thread and starts on; DJL turns it off only in the
    // thread that loaded the engine, and a GradientCollector restores whatever it found. Trained
    // from another thread (the engine check may load the engine on its own), the optimizer's
    // in-place step would run with grad mode on, which libtorch refuses now and then ("a leaf
    // Variable that requires grad is being used in an in-place operation"): so it starts off.
    JniUtils.setGradMode(false);
    Trainer trainer = model.newTrainer(trainingConfig);
    ModelSpec.Shape3 in = spec.inputShape();
    trainer.initialize(new Shape(1, in.channels(), in.height(), in.width()));
    return trainer;
  }

  private static double seconds(long startNanos) {
    return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
  }
}
