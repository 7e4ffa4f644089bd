package dev.mnistlab.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import dev.mnistlab.cli.Environment;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.eval.CrossEntropy;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import java.util.Iterator;
import java.util.Locale;

/**
 * Where a training epoch's time goes: the default recipe's step taken apart (batch assembly with
 * augmentation, copying it into the engine, forward with the loss, backward, optimizer step, the
 * per-batch host reads of loss and accuracy), then evaluation of the test split. Not a test: run
 * {@code TrainingProfile [MODEL] [THREADS] [IMAGES]} (see docs/BENCHMARKS.md).
 */
public final class TrainingProfile {
  /** Batches the operator trace covers. */
  static final int TRACED_BATCHES = 40;

  private TrainingProfile() {}

  public static void main(String[] args) throws Exception {
    String modelName = args.length > 0 ? args[0] : ModelZoo.DEFAULT_MODEL;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int images = args.length > 2 ? Integer.parseInt(args[2]) : 30_000;
    // With a trace file, the engine's profiler records every operator of TRACED_BATCHES batches of
    // the timed epoch (Chrome trace format), for OperatorProfile to compare with PyTorch's.
    java.nio.file.Path trace = args.length > 3 ? java.nio.file.Path.of(args[3]) : null;
    Engines.start(threads);
    DataStore.Loaded data = Environment.system().dataStore().load(Dataset.MNIST, null);
    TrainConfig config = TrainConfig.defaults();
    ModelSpec spec = ModelZoo.resolve(modelName);
    var train = data.train().first(images);
    long[] nanos = new long[7];
    String[] phases = {
      "batch assembly and augmentation (Java)",
      "copy into the engine",
      "forward and loss",
      "backward",
      "optimizer step",
      "host reads of loss and accuracy",
      "evaluation of 10,000 test images"
    };
    try (Engines.Lease engine = Engines.claim("profile");
        Model model = Model.newInstance(spec.name(), ai.djl.Device.cpu());
        BatchLoader batches =
            new BatchLoader(
                train, data.dataset().normalization(), config.batchSize(), config.augment());
        BatchLoader test =
            new BatchLoader(
                data.test(),
                data.dataset().normalization(),
                1000,
                dev.mnistlab.data.Augmentation.NONE)) {
      Engines.seed(engine, 1);
      model.setBlock(BlockFactory.build(spec));
      TorchOptimizer optimizer = TorchOptimizer.of(config.optimizer());
      optimizer.setLearningRate(0.05);
      try (Trainer trainer = TrainingLoop.newTrainer(model, spec, optimizer)) {
        for (int epoch = 1; epoch <= 2; epoch++) { // the first epoch warms up; the second is timed
          java.util.Arrays.fill(nanos, 0);
          int batchIndex = 0;
          long epochStart = System.nanoTime();
          long t = System.nanoTime();
          for (Iterator<BatchLoader.Batch> it = batches.shuffled(1, epoch); it.hasNext(); ) {
            BatchLoader.Batch batch = it.next();
            nanos[0] += System.nanoTime() - t;
            if (trace != null && epoch == 2 && batchIndex == 0) {
              ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
            }
            if (trace != null && epoch == 2 && batchIndex == TRACED_BATCHES) {
              ai.djl.pytorch.jni.JniUtils.stopProfile(trace.toString());
            }
            batchIndex++;
            try (NDManager scope = trainer.getManager().newSubManager()) {
              t = System.nanoTime();
              NDArray x = scope.create(batch.pixels(), new Shape(batch.size(), 1, 28, 28));
              NDArray y = scope.create(batch.labels());
              nanos[1] += System.nanoTime() - t;
              try (GradientCollector collector = trainer.newGradientCollector()) {
                t = System.nanoTime();
                NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                NDArray loss = CrossEntropy.mean(spec.logProbabilities(logits), y, 0);
                nanos[2] += System.nanoTime() - t;
                t = System.nanoTime();
                collector.backward(loss);
                nanos[3] += System.nanoTime() - t;
                t = System.nanoTime();
                loss.getFloat();
                logits.argMax(1).eq(y).sum().getLong();
                nanos[5] += System.nanoTime() - t;
              }
              t = System.nanoTime();
              trainer.step();
              nanos[4] += System.nanoTime() - t;
            }
            t = System.nanoTime();
          }
          double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
          t = System.nanoTime();
          Evaluator.evaluate(spec, model.getBlock(), trainer.getManager(), test);
          nanos[6] = System.nanoTime() - t;
          if (epoch == 2) {
            System.out.printf(
                Locale.ROOT,
                "%s, %d threads, %,d training images: %.2f s, %,.0f images/s%n",
                modelName,
                threads,
                train.count(),
                epochSeconds,
                train.count() / epochSeconds);
            System.out.println("| phase | seconds per epoch | share of the training step |");
            System.out.println("|---|---:|---:|");
            for (int i = 0; i < phases.length; i++) {
              System.out.printf(
                  Locale.ROOT,
                  "| %s | %.2f | %s |%n",
                  phases[i],
                  nanos[i] / 1e9,
                  i < 6
                      ? String.format(Locale.ROOT, "%.0f%%", 100 * nanos[i] / 1e9 / epochSeconds)
                      : "(after the epoch)");
            }
          }
        }
      }
    }
    if (trace != null) {
      // The tuned PyTorch replica, same model, recipe, images and threads, traced the same way.
      java.nio.file.Path torchTrace = trace.resolveSibling(trace.getFileName() + ".pytorch.json");
      TrainConfig d = TrainConfig.defaults();
      TrainConfig replica =
          TrainConfig.defaults().toBuilder()
              .model(modelName)
              .dataset(d.dataset())
              .epochs(2)
              .batchSize(d.batchSize())
              .limit(images)
              .threads(threads)
              .labelSmoothing(d.labelSmoothing())
              .emaDecay(d.emaDecay())
              .stop(d.stop())
              .build();
      new dev.mnistlab.bench.PytorchReference(
              java.nio.file.Path.of("/usr/bin/python3"),
              java.nio.file.Path.of("bench/pytorch_reference.py"))
          .tracing(torchTrace, TRACED_BATCHES)
          .run(
              spec,
              replica,
              data.dataset().normalization(),
              data.directory(),
              dev.mnistlab.bench.PytorchReference.Flavour.TUNED,
              threads);
      System.out.println(
          "operator traces: "
              + trace
              + " (mnistlab), "
              + torchTrace
              + " (PyTorch); compare them with python3 bench/op_profile.py "
              + TRACED_BATCHES
              + " "
              + trace
              + " "
              + torchTrace);
    }
  }
}
