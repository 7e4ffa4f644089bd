package dev.mnistlab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.train.Training;
import dev.mnistlab.train.TrainingObserver;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One training per JVM: a second one is refused while the first holds the engine. */
class EnginesTest {
  @TempDir Path tmp;

  @Test
  void aSecondTrainingInTheSameProcessIsRefused() {
    Engines.start(1);
    try (Engines.Lease first = Engines.claim("runs/a")) {
      assertThatThrownBy(() -> Engines.claim("runs/b"))
          .isInstanceOf(Engines.EngineBusyException.class)
          .hasMessage(
              "cannot train runs/b while runs/a trains in this process: the engine's random seed"
                  + " and threads are process-wide, so run parallel trainings as separate"
                  + " processes");
      // A real training is refused the same way, before it writes anything.
      TrainConfig config = TrainConfig.defaults().withSeed(1);
      var spec = ModelSpecParser.parse(SyntheticData.TINY_MODEL, "tiny.yaml");
      assertThatThrownBy(
              () ->
                  Training.run(
                      Recipe.of(config, spec),
                      SyntheticData.bands(64),
                      tmp.resolve("b"),
                      TrainingObserver.SILENT))
          .isInstanceOf(Engines.EngineBusyException.class);
      assertThat(RunDirectory.exists(tmp.resolve("b"))).isFalse();
    }
    try (Engines.Lease again = Engines.claim("runs/b")) {
      assertThat(again).isNotNull();
    }
  }

  @Test
  void moreThreadsThanProcessorsAreRefused() {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThatThrownBy(() -> Engines.start(cores + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("threads " + (cores + 1) + " is more than the " + cores + " ")
        .hasMessageEndingWith("use at most " + cores + " (0 lets the engine choose)");
    Engines.start(1);
  }
}
