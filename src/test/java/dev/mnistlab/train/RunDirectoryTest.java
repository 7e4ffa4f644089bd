package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.model.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
  @TempDir Path tmp;

  private Path run(Path dir) {
    RunDirectory.create(dir)
        .writeConfig(TrainConfig.defaults(), ModelZoo.resolve("mnistlab/compact"));
    return dir;
  }

  @Test
  void metricsOfAnOlderVersionStillRead() throws Exception {
    // Written before provenance existed: every such run normalized with MNIST's figures, even a
    // Fashion-MNIST one, so that is what its model expects.
    Path dir = run(tmp.resolve("old"));
    Files.copy(
        Path.of("src/test/resources/fixtures/run-0.1-no-provenance/metrics.json"),
        dir.resolve("metrics.json"));
    RunDirectory old = RunDirectory.openComplete(dir);
    RunResult result = old.readMetrics();
    assertThat(result.provenance()).isNull();
    assertThat(result.runDir()).isEqualTo(dir);
    assertThat(result.last().testAcc()).isEqualTo(85.12);
    assertThat(result.normalization()).isEqualTo(Normalization.LEGACY);
    assertThat(Dataset.FASHION_MNIST.normalization()).isNotEqualTo(Normalization.LEGACY);
  }

  @Test
  void findsSeedRunsInSeedOrder() {
    Path base = tmp.resolve("seeds");
    for (long seed : new long[] {10, 2, 1}) {
      run(RunDirectory.seedDir(base, seed));
    }
    // Not runs: a stray directory and a seed directory without a configuration.
    tmp.resolve("seeds/notes").toFile().mkdirs();
    tmp.resolve("seeds/seed-4").toFile().mkdirs();
    assertThat(RunDirectory.runsIn(base))
        .extracting(r -> r.path().getFileName().toString())
        .containsExactly("seed-1", "seed-2", "seed-10");
    assertThat(RunDirectory.completeRunsIn(base)).isEmpty();
    assertThat(RunDirectory.runsIn(RunDirectory.seedDir(base, 2))).hasSize(1);
    assertThat(RunDirectory.runsIn(tmp.resolve("nothing"))).isEmpty();
  }

  @Test
  void incompleteAndMissingRunsAreNamed() {
    Path dir = run(tmp.resolve("partial"));
    assertThatThrownBy(() -> RunDirectory.openComplete(dir))
        .hasMessageContaining(dir + ": the run is not complete")
        .hasMessageContaining("train --resume");
    assertThatThrownBy(() -> RunDirectory.open(tmp))
        .hasMessage(tmp + ": not a run directory (no config.yaml and model.yaml)");
    assertThat(RunDirectory.open(dir).weightsFile()).isEmpty();
  }
}
