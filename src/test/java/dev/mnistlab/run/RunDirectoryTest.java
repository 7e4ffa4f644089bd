package dev.mnistlab.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.model.ModelZoo;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
  @TempDir Path tmp;

  private Path run(Path dir) {
    RunDirectory.create(dir)
        .writeRecipe(Recipe.of(TrainConfig.defaults(), ModelZoo.resolve("mnistlab/compact")));
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
    // Nor did it record the wall clock: read as 0, "not recorded".
    assertThat(result.last().wall()).isZero();
    assertThat(result.last().hasWall()).isFalse();
    assertThat(result.last().seconds()).isEqualTo(21.3);
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
        .hasMessageContaining(dir + ": the run is interrupted before its first epoch ended")
        .hasMessageContaining("train --resume");
    assertThatThrownBy(() -> RunDirectory.open(tmp))
        .hasMessage(tmp + ": not a run directory (no config.yaml and model.yaml)");
    assertThat(RunDirectory.open(dir).weightsFile()).isEmpty();
  }

  @Test
  void runFilesAreReadableByTheGroupAndOthers() throws Exception {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "no POSIX permissions on this file system");
    Path dir = run(tmp.resolve("shared"));
    RunResult result =
        new RunResult(
            "m",
            "mnist",
            1,
            0,
            1,
            10,
            "e",
            "m",
            null,
            dir,
            List.of(new EpochMetrics(1, 0.1, 0.5, 90, 0.4, 91, 1, 10, 2, 1)));
    RunDirectory.open(dir).writeMetrics(result);
    RunDirectory.writeConsistency(dir, Consistency.of(List.of(result), 99.4));
    for (String name :
        List.of(
            "config.yaml", "model.yaml", "metrics.json", "consistency.md", "consistency.json")) {
      // createTempFile's 0600 would hide a shared run from the group.
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))))
          .as(name)
          .isEqualTo("rw-r--r--");
    }
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }
}
