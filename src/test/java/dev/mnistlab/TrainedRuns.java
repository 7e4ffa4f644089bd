package dev.mnistlab;

import dev.mnistlab.cli.Environment;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.train.Training;
import dev.mnistlab.train.TrainingObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one real training run the test suite makes, shared by every test that needs a trained model
 * (end-to-end, evaluate, predict, the Java API, ONNX parity): the default model, 3 epochs on the
 * first 10,000 real MNIST training images, seed 7, 2 threads. Trained once per test JVM, into a
 * fresh directory under {@code target/}.
 */
public final class TrainedRuns {
  private static RunResult mnist;

  private TrainedRuns() {}

  /** Real MNIST, fetched by the same code users run. */
  public static DataStore.Loaded mnistData() {
    Engines.start(2);
    return Environment.system().dataStore().load(Dataset.MNIST, null);
  }

  /** The trained run (trained on first use). */
  public static synchronized RunResult mnist() {
    if (mnist == null) {
      DataStore.Loaded data = mnistData();
      TrainConfig d = TrainConfig.defaults();
      TrainConfig config =
          TrainConfig.defaults().toBuilder()
              .epochs(3)
              .seed(7)
              .limit(10_000)
              .threads(2)
              .schedule(TrainConfig.Schedule.of("onecycle").withOneCycle(0.1, 0.3, 25, 1e4))
              .build();
      try {
        Files.createDirectories(Path.of("target"));
        Path dir = Files.createTempDirectory(Path.of("target"), "trained-run-").resolve("run");
        mnist =
            Training.run(
                Recipe.of(config, ModelZoo.resolve(d.model())), data, dir, TrainingObserver.SILENT);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return mnist;
  }
}
