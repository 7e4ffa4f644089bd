package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnistlab.cli.Environment;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.model.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real run: the default model on the first 10,000 real MNIST training images (fetched by the
 * same code users run), scored on the full 10,000-image test set.
 */
class TrainEndToEndTest {
  @TempDir Path runDir;

  @Test
  void defaultModelLearnsRealMnist() throws Exception {
    Engines.start(2);
    DataStore.Loaded data = Environment.system().dataStore().load(Dataset.MNIST, null);
    assertThat(data.train().count()).isEqualTo(60_000);
    assertThat(data.test().count()).isEqualTo(10_000);

    TrainConfig d = TrainConfig.defaults();
    TrainConfig config =
        new TrainConfig(
            d.model(),
            "mnist",
            3,
            128,
            7,
            10_000,
            2,
            d.optimizer(),
            TrainConfig.Schedule.of("onecycle").withOneCycle(0.1, 0.3, 25, 1e4),
            d.augment(),
            0,
            TrainConfig.Stop.NEVER);
    RunResult result =
        Training.run(config, ModelZoo.resolve(d.model()), data, runDir, TrainingObserver.SILENT);

    assertThat(result.epochs()).hasSize(3);
    assertThat(result.trainableParams()).isEqualTo(7900);
    assertThat(result.last().testAcc()).isGreaterThanOrEqualTo(96.0);
    assertThat(result.last().trainLoss()).isLessThan(result.epochs().get(0).trainLoss());

    JsonNode metrics = new ObjectMapper().readTree(runDir.resolve("metrics.json").toFile());
    assertThat(metrics.get("model").asText()).isEqualTo("mnistlab/compact");
    assertThat(metrics.get("dataset").asText()).isEqualTo("mnist");
    assertThat(metrics.get("trainable_params").asLong()).isEqualTo(7900);
    assertThat(metrics.get("seed").asLong()).isEqualTo(7);
    JsonNode last = metrics.get("epochs").get(2);
    assertThat(last.get("epoch").asInt()).isEqualTo(3);
    assertThat(last.get("test_acc").asDouble())
        .isEqualTo(result.last().testAcc())
        .isGreaterThan(1.0);
    for (String field : new String[] {"lr", "train_loss", "train_acc", "test_loss", "seconds"}) {
      assertThat(last.has(field)).as(field).isTrue();
    }
    assertThat(runDir.resolve("config.yaml")).exists();
    assertThat(runDir.resolve("model-0003.params")).exists();
    assertThat(ModelSpecParser.parseFile(runDir.resolve("model.yaml")).layers())
        .isEqualTo(ModelZoo.resolve(d.model()).layers());
    assertThat(Files.readString(runDir.resolve("config.yaml"))).contains("batch_size: 128");
  }
}
