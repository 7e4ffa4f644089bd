package dev.mnistlab.train;

import ai.djl.Device;
import ai.djl.Model;
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
import dev.mnistlab.config.ConfigDiff;
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
import dev.mnistlab.io.DirectoryLock;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ParameterCount;
import dev.mnistlab.model.SpecException;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.Provenance;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.Plain;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Trains a model spec on a dataset and writes the run directory. */
public final class Training {
  private Training() {}

  /**
   * Runs the whole recipe from scratch: build, train {@code config.epochs()} epochs evaluating and
   * checkpointing after each, save. The loop in {@link #train} is the whole algorithm; nothing
   * happens in listeners.
   *
   * @param runDir where metrics, configuration, checkpoint and the trained model are written
   * @return what was measured, also saved as {@code metrics.json}
   */
  public static RunResult run(
      TrainConfig config,
      ModelSpec spec,
      DataStore.Loaded data,
      Path runDir,
      TrainingObserver observer) {
    config.validate();
    checkInput(config, spec, data);
    // Claimed before anything is written, so a refused run leaves no trace.
    try (Engines.Lease engine = Engines.claim(runDir.toString())) {
      RunDirectory run = RunDirectory.create(runDir);
      try (DirectoryLock lock = take(run, observer)) {
        run.writeConfig(config, spec);
        return train(config, spec, data, run, observer, false, engine);
      }
    }
  }

  /**
   * Continues the run in {@code runDir} after its last complete epoch, with the configuration and
   * model saved there; the remaining epochs match those of an uninterrupted run. A finished run is
   * returned as it is (the observer hears {@link TrainingObserver#alreadyComplete}); a run that
   * never finished an epoch starts again.
   *
   * @param data the dataset the saved configuration names
   */
  public static RunResult resume(Path runDir, DataStore.Loaded data, TrainingObserver observer) {
    RunDirectory dir = RunDirectory.open(runDir);
    if (dir.isComplete()) {
      RunResult done = dir.readMetrics();
      observer.alreadyComplete(done);
      return done;
    }
    TrainConfig config = dir.readConfig().validate();
    ModelSpec spec = dir.readSpec();
    checkInput(config, spec, data);
    try (Engines.Lease engine = Engines.claim(runDir.toString());
        DirectoryLock lock = take(dir, observer)) {
      return train(config, spec, data, dir, observer, dir.hasCheckpoint(), engine);
    }
  }

  /**
   * Locks the run for this process and clears what a dead predecessor left: its lock and its
   * temporary files (a crash mid-write), which the observer hears of.
   *
   * @throws DirectoryLock.HeldException naming the process that trains the run now
   */
  private static DirectoryLock take(RunDirectory run, TrainingObserver observer) {
    DirectoryLock lock = run.lock();
    List<Path> leftovers = run.removeLeftovers();
    if (lock.previousOwner() != null || !leftovers.isEmpty()) {
      observer.recovered(lock.previousOwner(), leftovers);
    }
    return lock;
  }

  /**
   * Trains into {@code runDir}, or continues the run already there: a complete run is returned as
   * it is, an interrupted one resumes from its checkpoint. Lets multi-seed runs and experiments be
   * stopped and started again. The thread count may differ (it is how a run is executed, not what
   * it trains); the run keeps the configuration it saved.
   *
   * <p>A configuration that asks for more epochs than the run has, and differs in nothing else,
   * extends it from its checkpoint when the schedule's rates do not depend on the number of epochs
   * (constant, step, multistep, linear, plateau, and cosine with a fixed {@code t_max}); see {@link
   * #whyNotExtensible}.
   *
   * @throws IllegalArgumentException when {@code runDir} holds a run of another network (its spec
   *     file was edited), or of another configuration, naming the fields that differ ({@code
   *     epochs: 15 → 5}), or one that cannot be extended, saying why
   */
  public static RunResult runOrContinue(
      TrainConfig config,
      ModelSpec spec,
      DataStore.Loaded data,
      Path runDir,
      TrainingObserver observer) {
    if (!RunDirectory.exists(runDir)) {
      return run(config, spec, data, runDir, observer);
    }
    RunDirectory dir = RunDirectory.open(runDir);
    TrainConfig saved = dir.readConfig();
    ConfigDiff diff = ConfigDiff.ofRun(saved, config);
    ModelSpec savedSpec = dir.readSpec();
    // The network counts, not its name: an edited spec file keeps its name but not its run.
    if (!savedSpec.inputShape().equals(spec.inputShape())
        || !savedSpec.layers().equals(spec.layers())) {
      throw new IllegalArgumentException(
          runDir
              + " holds a run of another network (model "
              + config.model()
              + ": its layers changed"
              + (diff.isEmpty() ? "" : "; " + diff)
              + "); choose another --out or delete it");
    }
    if (diff.isEmpty()) {
      return resume(runDir, data, observer);
    }
    if (!diff.fields().equals(List.of("epochs"))) {
      throw new IllegalArgumentException(
          runDir
              + " holds a run of another configuration ("
              + diff
              + "); choose another --out or delete it");
    }
    String refusal = whyNotExtensible(saved, config.epochs(), dir);
    if (refusal != null) {
      throw new IllegalArgumentException(
          runDir
              + " holds a run of "
              + saved.epochs()
              + (saved.epochs() == 1 ? " epoch (" : " epochs (")
              + diff
              + "): "
              + refusal);
    }
    observer.extending(saved.epochs(), config.epochs());
    dir.extend(saved.toBuilder().epochs(config.epochs()).build().validate());
    return resume(runDir, data, observer);
  }

  /**
   * Why the run in {@code dir}, trained under {@code saved}, cannot continue to {@code epochs}
   * epochs, or null when it can: the schedule must give every epoch trained so far the rate it
   * would have had in the longer run, and the run must have a checkpoint to continue from.
   */
  static String whyNotExtensible(TrainConfig saved, int epochs, RunDirectory dir) {
    if (epochs < saved.epochs()) {
      return "a run cannot be shortened; choose another --out for a shorter one";
    }
    TrainConfig.Schedule s = saved.schedule();
    if (s.type().equals("onecycle")) {
      return "OneCycle spreads its rates over the run's total epochs, so the epochs already"
          + " trained followed a "
          + saved.epochs()
          + "-epoch cycle and cannot be continued as part of a longer one; choose another --out";
    }
    if (s.type().equals("cosine") && s.tMax() == 0) {
      return "cosine with t_max 0 anneals over the run's total epochs, so the epochs already"
          + " trained cannot be continued as part of a longer run; fix t_max to extend runs,"
          + " or choose another --out";
    }
    if (!dir.hasCheckpoint()) {
      return "it has no checkpoint to continue from; choose another --out or delete it";
    }
    if (dir.isComplete() && saved.stop().reached(dir.readMetrics().testAccuracies())) {
      return "it ended early at its stop_at target ("
          + saved.stop().at()
          + "%), which further epochs would pass at once; choose another --out";
    }
    return null;
  }

  private static RunResult train(
      TrainConfig config,
      ModelSpec spec,
      DataStore.Loaded data,
      RunDirectory run,
      TrainingObserver observer,
      boolean fromCheckpoint,
      Engines.Lease engine) {
    Instant started = Instant.now();
    // The run's own clock: a resumed run adds to the last saved epoch's, leaving the pause out.
    long clock = System.nanoTime();
    double wallBefore = 0;
    // With a validation split the last images of the training set are held out and scored
    // instead of the test set, which then stays unseen until `evaluate`.
    Split all = data.train();
    int held = config.validation();
    Split scored = held > 0 ? all.last(held) : data.test();
    var train =
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
                Augmentation.NONE)) {
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
        List<EpochMetrics> epochs = new ArrayList<>();
        if (fromCheckpoint) {
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
          // ReduceLROnPlateau's state is a function of the test losses it was told.
          epochs.forEach(e -> schedule.epochEnded(e.testLoss()));
          observer.resumed(saved.epochs());
        }
        for (int epoch = epochs.size() + 1;
            epoch <= config.epochs() && !config.stop().reached(EpochMetrics.testAccuracies(epochs));
            epoch++) {
          // Dropout draws from the engine's generator; seeding it per epoch lets a resumed run
          // draw the masks an uninterrupted one would.
          Engines.seed(engine, BatchLoader.mix(config.seed(), epoch, -2));
          observer.epochStarted(epoch, batches);
          long start = System.nanoTime();
          int step = (epoch - 1) * batches;
          double lossSum = 0;
          long correct = 0;
          long seen = 0;
          int batchIndex = 0;
          for (Iterator<BatchLoader.Batch> it = trainBatches.shuffled(config.seed(), epoch);
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
                  TrainingDivergedException.where(
                      epoch, batchIndex, run.checkpointFile(), epochs.size()));
            }
            average.update();
            lossSum += outcome.loss() * batch.size();
            correct += outcome.correct();
            seen += batch.size();
            observer.batchDone(batchIndex, lossSum / seen, seen / seconds(start));
          }
          double trainSeconds = seconds(start);
          // With ema_decay the averaged weights are what is tested (and saved at the end).
          observer.evaluating(epoch, scored.count());
          Evaluator.Score test;
          try (WeightAverage.Swap averaged = average.swapIn()) {
            test = Evaluator.evaluate(spec, model.getBlock(), trainer.getManager(), testBatches);
          }
          if (!Double.isFinite(test.loss()) || !Double.isFinite(lossSum)) {
            // Never kept as a checkpoint, so that a resume starts from the last good epoch.
            throw NonFinite.afterEpoch(
                model.getBlock(),
                test.loss(),
                lossSum / seen,
                TrainingDivergedException.where(epoch, 0, run.checkpointFile(), epochs.size()));
          }
          EpochMetrics metrics =
              new EpochMetrics(
                  epoch,
                  schedule.lr(step - 1),
                  lossSum / seen,
                  100.0 * correct / seen,
                  test.loss(),
                  test.accuracy(),
                  trainSeconds,
                  seen / trainSeconds,
                  wallBefore + seconds(clock),
                  Engines.threads());
          schedule.epochEnded(test.loss());
          epochs.add(metrics);
          Checkpoint.save(
              run.checkpointFile(),
              epochs,
              started.toString(),
              model.getBlock(),
              optimizer,
              average);
          observer.epochDone(metrics);
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
    Trainer trainer = model.newTrainer(trainingConfig);
    ModelSpec.Shape3 in = spec.inputShape();
    trainer.initialize(new Shape(1, in.channels(), in.height(), in.width()));
    return trainer;
  }

  /**
   * The limit must not ask for more training images than there are, and the spec must take the
   * dataset's images; checked before anything is written.
   */
  static void checkInput(TrainConfig config, ModelSpec spec, DataStore.Loaded data) {
    if (config.validation() >= data.train().count()) {
      throw new IllegalArgumentException(
          "validation "
              + config.validation()
              + " would hold out all "
              + Plain.count(data.train().count(), "training image")
              + " of "
              + data.dataset());
    }
    if (config.limit() > data.train().count() - config.validation()) {
      // More images than there are would silently train on all of them.
      throw new IllegalArgumentException(
          "limit "
              + config.limit()
              + " is more than the "
              + Plain.count(data.train().count() - config.validation(), "training image")
              + " of "
              + data.dataset()
              + " (0 uses them all)");
    }
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
  }

  private static double seconds(long startNanos) {
    return Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
  }
}
