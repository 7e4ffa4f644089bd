package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark executor ({@code mvn -Pspark}): the search of {@link SearchCommandTest} on Spark in
 * local mode gives exactly the results of child processes on this machine.
 */
class SparkSearchTest {
  @TempDir Path tmp;

  @Test
  void aSearchOnSparkLocalGivesExactlyTheResultsOfLocalProcesses() throws Exception {
    Path space = Files.writeString(tmp.resolve("space.yaml"), SearchCommandTest.TINY_SPACE);
    Path local = tmp.resolve("local");
    Path spark = tmp.resolve("spark");

    Cli.Outcome byProcesses =
        Cli.runWithRealData(
            SearchCommandTest.tinySearch(space, local, "--jobs", "2", "--every-seed"));
    assertThat(byProcesses.exitCode()).as(byProcesses.err()).isZero();
    Cli.Outcome bySpark =
        Cli.runWithRealData(
            SearchCommandTest.tinySearch(space, spark, "--spark", "local[2]", "--every-seed"));
    assertThat(bySpark.exitCode()).as(bySpark.err()).isZero();
    assertThat(bySpark.out())
        .contains("Spark tasks on local[2]", "full runs: 2 to train", "winner: p");

    assertThat(Files.readString(spark.resolve("search.json")))
        .isEqualTo(Files.readString(local.resolve("search.json")));
    assertThat(Files.readString(spark.resolve("winner.yaml")))
        .isEqualTo(Files.readString(local.resolve("winner.yaml")));
    try (var runs = Files.walk(local)) {
      List<Path> metrics =
          runs.filter(p -> p.getFileName().toString().equals("metrics.json")).toList();
      assertThat(metrics).hasSize(5); // 3 ranking runs, 2 seeds of the winner
      for (Path m : metrics) {
        Path run = m.getParent();
        assertThat(SearchCommandTest.numbers(spark.resolve(local.relativize(run))))
            .as(local.relativize(run).toString())
            .isEqualTo(SearchCommandTest.numbers(run));
      }
    }
  }
}
