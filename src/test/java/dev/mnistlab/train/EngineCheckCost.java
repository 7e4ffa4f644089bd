package dev.mnistlab.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.training.Trainer;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.engine.Convolutions;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import java.util.Locale;
import java.util.Random;

/**
 * What issue 30's guards cost, for docs/BENCHMARKS.md. Not a test; one measurement a process:
 *
 * <ul>
 *   <li>{@code load}: seconds to load the engine alone, as before the self-check;
 *   <li>{@code start}: seconds for {@link Engines#start} with the self-check, and the check's
 *       engine part;
 *   <li>{@code gradients MODEL BATCHES}: milliseconds of a training step of 128 random images and
 *       of the per-batch gradient check ({@link NonFinite#lastNonFiniteGradient}) alone, 3 rounds.
 * </ul>
 */
public final class EngineCheckCost {
  private EngineCheckCost() {}

  public static void main(String[] args) {
    switch (args[0]) {
      case "load" -> {
        System.setProperty("ai.djl.offline", "true");
        long start = System.nanoTime();
        Engine.getEngine("PyTorch");
        System.out.printf(Locale.ROOT, "engine load alone %.2f s%n", seconds(start));
      }
      case "start" -> {
        long start = System.nanoTime();
        Engines.start(2);
        System.out.printf(
            Locale.ROOT,
            "Engines.start with the self-check %.2f s, of which the engine's part of the check"
                + " %.2f s%n",
            seconds(start),
            Convolutions.current().reports().get(0).seconds());
      }
      case "gradients" -> gradients(args[1], Integer.parseInt(args[2]));
      default -> throw new IllegalArgumentException("load, start or gradients MODEL BATCHES");
    }
  }

  private static void gradients(String name, int batches) {
    Engines.start(2);
    ModelSpec spec = ModelZoo.resolve(name);
    float[] pixels = new float[128 * 784];
    Random random = new Random(1);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    long[] labels = new long[128];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = random.nextInt(10);
    }
    BatchLoader.Batch batch = new BatchLoader.Batch(pixels, labels, 128);
    try (Model model = Model.newInstance(name, Device.cpu())) {
      model.setBlock(BlockFactory.build(spec));
      try (Trainer trainer =
          TrainingLoop.newTrainer(
              model, spec, TorchOptimizer.of(TrainConfig.defaults().optimizer()))) {
        for (int round = 1; round <= 3; round++) {
          long start = System.nanoTime();
          for (int i = 0; i < batches; i++) {
            TrainingLoop.trainBatch(trainer, spec, batch, 0);
          }
          long checks = System.nanoTime();
          for (int i = 0; i < batches; i++) {
            NonFinite.lastNonFiniteGradient(model.getBlock());
          }
          System.out.printf(
              Locale.ROOT,
              "round %d: a step of 128 images (check included) %.2f ms, the gradient check alone"
                  + " %.3f ms%n",
              round,
              (checks - start) / 1e6 / batches,
              (System.nanoTime() - checks) / 1e6 / batches);
        }
      }
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
