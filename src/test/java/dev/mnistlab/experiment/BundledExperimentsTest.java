package dev.mnistlab.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.model.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped experiment files parse, name zoo models and carry the seeds' reported figures. */
class BundledExperimentsTest {
  @Test
  void everyShippedExperimentParsesAndEndsWithAReportedFinalStep() {
    Map<String, Experiment> shipped = ExperimentParser.bundled();
    assertThat(shipped.keySet())
        .containsExactly("mnistlab", "mnist-cnn", "era-v2-s7", "drilldown", "three-step", "se-net");
    for (Experiment e : shipped.values()) {
      for (Experiment.Step step : e.steps()) {
        assertThat(ModelZoo.resolve(step.config().model())).isNotNull();
        assertThat(step.config().epochs()).as(e.name() + " " + step.name()).isBetween(1, 20);
      }
      Experiment.Step last = e.steps().get(e.steps().size() - 1);
      if (!e.name().equals("mnistlab")) {
        assertThat(last.reported().bestTest()).as(e.name()).isGreaterThanOrEqualTo(99.4);
      }
    }
    // mnistlab's last step is exactly `./mnistlab train` with no options.
    Experiment own = shipped.get("mnistlab");
    assertThat(own.steps().get(own.steps().size() - 1).config())
        .isEqualTo(dev.mnistlab.train.TrainConfig.defaults());
  }

  @Test
  void aShippedNameWinsOverTheLauncherScriptOfTheSameName() {
    // Tests run in the project root, beside the ./mnistlab launcher.
    assertThat(Files.isRegularFile(Path.of("mnistlab"))).isTrue();
    assertThat(ExperimentParser.resolve("mnistlab").steps()).hasSize(4);
  }
}
