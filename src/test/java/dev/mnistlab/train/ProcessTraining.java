package dev.mnistlab.train;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import java.nio.file.Path;

/**
 * A tiny training in a process of its own, for tests that compare processes: trains {@link
 * SyntheticData#TINY_MODEL} on 256 synthetic images for 2 epochs with seed 3 into the directory
 * given, and prints the engine it ran on and each epoch's figures exactly.
 */
public final class ProcessTraining {
  private ProcessTraining() {}

  /** Arguments: the run directory to create. */
  public static void main(String[] args) {
    Engines.start(1);
    RunResult result =
        Training.run(
            Recipe.of(
                TrainingTest.config(3),
                ModelSpecParser.parse(SyntheticData.TINY_MODEL, "tiny.yaml")),
            SyntheticData.bands(256),
            Path.of(args[0]),
            TrainingObserver.SILENT);
    System.out.println("engine: " + result.engine());
    for (EpochMetrics e : result.epochs()) {
      System.out.println(
          "epoch "
              + e.epoch()
              + " train_loss "
              + e.trainLoss()
              + " test_loss "
              + e.testLoss()
              + " test_acc "
              + e.testAcc());
    }
  }
}
