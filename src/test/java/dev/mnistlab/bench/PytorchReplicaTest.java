package dev.mnistlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.TrainedRuns;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.model.ModelZoo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch replica builds the same networks (same trainable parameters) and trains them with the
 * recipe: one short epoch per model. Skipped where Python has no torch and torchvision.
 */
@Tag("integration")
class PytorchReplicaTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @Test
  void replicasHaveMnistlabsParameterCountsAndLearn() throws Exception {
    Assumptions.assumeTrue(
        torchAvailable(),
        "skipped: /usr/bin/python3 lacks torch and torchvision (apt-get install python3-torch python3-torchvision)");
    PytorchReference reference =
        new PytorchReference(PYTHON, Path.of("bench", "pytorch_reference.py"));
    DataStore.Loaded data = TrainedRuns.mnistData();
    TrainConfig d = TrainConfig.defaults();
    for (String model :
        List.of(
            "mnistlab/compact",
            "era-v2-s7/model4-final",
            "se-net/v5-augmentation",
            "drilldown/exp7-onecycle")) {
      ModelSpec spec = ModelZoo.resolve(model);
      TrainConfig config = Bench.with(d, model, 1, 4096, TrainConfig.Stop.NEVER);
      for (PytorchReference.Flavour flavour : PytorchReference.Flavour.values()) {
        PytorchReference.Run run =
            reference.run(
                spec, config, data.dataset().normalization(), data.directory(), flavour, 2);
        assertThat(run.params())
            .as("%s %s", model, flavour)
            .isEqualTo(ModelSummary.of(spec).trainableParams());
        assertThat(run.epochs()).hasSize(1);
        if (!model.startsWith("drilldown/")) { // trained by its notebook's recipe, not this one
          assertThat(run.epochs().get(0).testAcc())
              .as("%s %s learns", model, flavour)
              .isGreaterThan(20); // chance is 10%
        }
      }
    }
  }

  private static boolean torchAvailable() throws Exception {
    if (!PYTHON.toFile().canExecute()) {
      return false;
    }
    Process p =
        new ProcessBuilder(PYTHON.toString(), "-c", "import torch, torchvision")
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
  }
}
