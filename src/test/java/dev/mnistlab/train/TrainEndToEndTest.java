package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistlab.TrainedRuns;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.run.Provenance;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * One real run: the default model on the first 10,000 real MNIST training images (fetched by the
 * same code users run), scored on the full 10,000-image test set.
 */
@Tag("integration")
class TrainEndToEndTest {
  @Test
  void defaultModelLearnsRealMnist() throws Exception {
    assertThat(TrainedRuns.mnistData().train().count()).isEqualTo(60_000);
    assertThat(TrainedRuns.mnistData().test().count()).isEqualTo(10_000);
    RunResult result = TrainedRuns.mnist();
    Path runDir = result.runDir();

    assertThat(result.epochs()).hasSize(3);
    assertThat(result.trainableParams()).isEqualTo(7900);
    assertThat(result.last().testAcc()).isGreaterThanOrEqualTo(96.0);
    assertThat(result.last().trainLoss()).isLessThan(result.epochs().get(0).trainLoss());

    RunDirectory run = RunDirectory.openComplete(runDir);
    assertThat(run.readMetrics()).isEqualTo(result);
    JsonNode metrics = Mappers.JSON.valueToTree(run.readMetrics());
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
    assertThat(run.weightsFile()).get().asString().endsWith("model-0003.params");
    assertThat(run.readSpec().layers()).isEqualTo(ModelZoo.resolve("mnistlab/compact").layers());
    assertThat(run.readConfig().batchSize()).isEqualTo(128);

    // How the run was made.
    Provenance p = result.provenance();
    assertThat(p.version()).isNotBlank().isNotEqualTo("unknown");
    assertThat(p.commit()).isNotBlank();
    assertThat(p.normalization()).isEqualTo(Dataset.MNIST.normalization());
    assertThat(p.datasetSha256())
        .containsEntry(
            "t10k-images-idx3-ubyte",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7")
        .hasSize(4);
    assertThat(java.time.Instant.parse(p.started()))
        .isBeforeOrEqualTo(java.time.Instant.parse(p.finished()));
    assertThat(Files.readString(runDir.resolve("metrics.json")))
        .contains("\"provenance\"", "\"dataset_sha256\"", "\"normalization\"");
  }
}
