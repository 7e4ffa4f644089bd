package dev.mnistlab.cli;

import static dev.mnistlab.cli.Cli.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistlab.TrainedRuns;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnistlab evaluate} on the suite's real trained run. */
@Tag("integration")
class EvaluateCommandTest {
  @TempDir Path tmp;

  @Test
  void accuracyEqualsTheRecordedLastEpochExactly() throws Exception {
    RunResult run = TrainedRuns.mnist();
    Cli.Outcome o = Cli.runWithRealData("evaluate", run.runDir().toString(), "--json");
    assertThat(o.exitCode()).as(o.err()).isZero();
    JsonNode json = Mappers.JSON.readTree(o.out()).get("runs").get(0);
    JsonNode evaluation = json.get("evaluation");
    assertThat(evaluation.get("accuracy").asDouble()).isEqualTo(run.last().testAcc());
    assertThat(json.get("recorded_test_acc").asDouble()).isEqualTo(run.last().testAcc());
    assertThat(evaluation.get("loss").asDouble())
        .isCloseTo(run.last().testLoss(), org.assertj.core.data.Offset.offset(1e-4));
    assertThat(evaluation.get("images").asInt()).isEqualTo(10_000);
    long total = 0;
    long diagonal = 0;
    for (int r = 0; r < 10; r++) {
      for (int c = 0; c < 10; c++) {
        total += evaluation.get("confusion").get(r).get(c).asLong();
      }
      diagonal += evaluation.get("confusion").get(r).get(r).asLong();
    }
    assertThat(total).isEqualTo(10_000);
    assertThat(100.0 * diagonal / total).isEqualTo(run.last().testAcc());
    JsonNode seven = evaluation.get("per_class").get(7);
    assertThat(seven.get("support").asLong()).isEqualTo(1028); // MNIST's test set has 1,028 sevens
    assertThat(seven.get("recall").asDouble()).isBetween(0.9, 1.0);
    JsonNode mistake = evaluation.get("mistakes").get(0);
    assertThat(mistake.get("label").asInt()).isNotEqualTo(mistake.get("predicted").asInt());

    Cli.Outcome text = Cli.runWithRealData("evaluate", run.runDir().toString());
    assertThat(text.out())
        .contains(String.format(java.util.Locale.ROOT, "accuracy %.2f%%", run.last().testAcc()))
        .contains("confusion matrix")
        .contains("precision")
        .contains("most confident mistakes");
  }

  @Test
  void aSeedsDirectoryGivesOneRowPerSeedThenStatistics() throws Exception {
    RunResult run = TrainedRuns.mnist();
    Path seeds = tmp.resolve("seeds");
    copy(run.runDir(), RunDirectory.seedDir(seeds, 1));
    copy(run.runDir(), RunDirectory.seedDir(seeds, 2));
    Cli.Outcome o = Cli.runWithRealData("evaluate", seeds.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out().lines().filter(l -> l.contains("seed-")).count()).isEqualTo(2);
    assertThat(o.out())
        .contains(
            String.format(
                java.util.Locale.ROOT,
                "accuracy over 2 seeds: min %.2f%%, mean %.3f%%, std 0.000",
                run.last().testAcc(),
                run.last().testAcc()));
  }

  @Test
  void badInputIsOneLine() throws Exception {
    assertOneLineError(
        Cli.run(tmp, Map.of(), "evaluate", tmp.resolve("none").toString()),
        Main.USAGE,
        tmp.resolve("none") + " does not exist");
    Path partial = tmp.resolve("partial");
    copy(TrainedRuns.mnist().runDir(), partial);
    assertOneLineError(
        Cli.run(tmp, Map.of(), "evaluate", partial.toString(), "--dataset", "cifar"),
        Main.USAGE,
        "unknown dataset 'cifar'");
  }

  @Test
  void anUnfinishedRunIsScoredAsItsLastCheckpointAndSaysSo() throws Exception {
    RunResult run = TrainedRuns.mnist();
    Path partial = tmp.resolve("unfinished");
    copy(run.runDir(), partial);
    // As if the process died after the last checkpoint, before the weights and metrics.
    Files.delete(partial.resolve("metrics.json"));
    try (Stream<Path> files = Files.list(partial)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".params")).toList()) {
        Files.delete(f);
      }
    }
    Cli.Outcome o = Cli.runWithRealData("evaluate", partial.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out())
        .contains("interrupted at epoch 3 of 3, scored as its last checkpoint")
        // The checkpoint after the last epoch holds the weights the run saves.
        .contains(String.format(java.util.Locale.ROOT, "accuracy %.2f%%", run.last().testAcc()));
  }

  static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
