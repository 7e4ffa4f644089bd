package dev.mnistlab.cli;

import static dev.mnistlab.cli.Cli.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code search} end to end on real MNIST, a tiny space and a few hundred images. */
@Tag("integration")
class SearchCommandTest {
  /** Three small candidates, so that the test trains little. */
  static final String TINY_SPACE =
      """
      block1_convs: [2]
      block1_widths: [4, 6, 8]
      dilations: [1]
      transition_widths: [0]
      block2_convs: [2]
      block2_widths: [8, 10]
      last_padding: [0]
      squeeze_excite: [0]
      dropout: [0]
      separable: [false]
      min_params_fraction: 0
      """;

  @TempDir Path tmp;

  /** The search's command line: 3 candidates ranked on 1 epoch, the best trained with 2 seeds. */
  static String[] tinySearch(Path space, Path out, String... executor) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "search",
                "--budget",
                "3000",
                "--space",
                space.toString(),
                "--candidates",
                "3",
                "--epochs-short",
                "1",
                "--top",
                "1",
                "--seeds",
                "1..2",
                "--epochs",
                "2",
                "--limit",
                "1200",
                // Two epochs on 1,200 images lift these networks to 15-25%: the bar is set below.
                "--target",
                "12",
                "--out",
                out.toString()));
    args.addAll(List.of(executor));
    return args.toArray(String[]::new);
  }

  @Test
  void aSearchRanksTrainsTheBestWithEverySeedNamesAWinnerAndResumes() throws Exception {
    Path space = Files.writeString(tmp.resolve("space.yaml"), TINY_SPACE);
    Path out = tmp.resolve("search");
    Cli.Outcome o = Cli.runWithRealData(tinySearch(space, out, "--jobs", "2"));
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out())
        .contains(
            "3 candidates of at most 3000 parameters",
            "ranking: 3 short runs of 1 epoch to train, 0 already done",
            "full runs, seed 1: 1 to train for 1 finalist still at the bar",
            "full runs, seed 2: 1 to train for 1 finalist still at the bar",
            "winner: p");

    JsonNode result = Mappers.JSON.readTree(out.resolve("search.json").toFile());
    assertThat(result.get("candidates")).hasSize(3);
    String winner = result.get("winner").asText();
    assertThat(result.get("finalists").get(0).get("name").asText()).isEqualTo(winner);
    // The winner is the best-ranked candidate, and it lies on the Pareto front.
    assertThat(result.get("candidates").get(0).get("name").asText()).isEqualTo(winner);
    assertThat(result.get("candidates").get(0).get("on_front").asBoolean()).isTrue();
    assertThat(out.resolve("full").resolve(winner).resolve("seed-2/metrics.json")).exists();
    JsonNode job =
        Mappers.JSON.readTree(
            out.resolve("full").resolve(winner).resolve("seed-2.job.json").toFile());
    assertThat(job.get("exit_code").asInt()).isZero();
    assertThat(job.get("attempts").asInt()).isEqualTo(1);
    assertThat(out.resolve("search-images/front.png")).isNotEmptyFile();
    assertThat(Files.readString(out.resolve("search.md")))
        .contains(
            "**Winner: " + winner,
            "| 2 of 2 | holds |",
            "## Candidates, ranked",
            "3 candidates ranked by the test accuracy of a short run of 1 epoch (seed 1)");

    // The winner's spec carries the search's recipe: one command trains it again.
    String spec = Files.readString(out.resolve("winner.yaml"));
    assertThat(spec).contains("recipe:", "epochs: 2", "limit: 1200").doesNotContain("seed:");
    // In a JVM of its own, with the threads the search's run had: this test JVM's engine keeps
    // the thread count of whichever test started it first, and the numbers depend on it.
    Path searched = out.resolve("full").resolve(winner).resolve("seed-1");
    int threads = RunDirectory.open(searched).readConfig().threads();
    dev.mnistlab.ChildProcess.Outcome again =
        dev.mnistlab.ChildProcess.run(
            tmp,
            "again",
            Map.of(),
            List.of(),
            Main.class,
            "train",
            "--model",
            out.resolve("winner.yaml").toString(),
            "--threads",
            Integer.toString(threads),
            "--out",
            tmp.resolve("again").toString());
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(numbers(tmp.resolve("again"))).hasSize(2).isEqualTo(numbers(searched));

    // Run again: every run is found, none trained twice, the same results.
    byte[] first = Files.readAllBytes(out.resolve("search.json"));
    Cli.Outcome resumed = Cli.runWithRealData(tinySearch(space, out, "--jobs", "2"));
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    assertThat(resumed.out())
        .contains("ranking: 0 short runs of 1 epoch to train, 3 already done")
        .contains("full runs, seed 1: 0 to train", "full runs, seed 2: 0 to train")
        .doesNotContain("started");
    assertThat(Files.readAllBytes(out.resolve("search.json"))).isEqualTo(first);

    // Another setting into the same directory would take runs that are not its own: refused.
    String[] longer = tinySearch(space, out, "--jobs", "2");
    longer[java.util.Arrays.asList(longer).indexOf("--epochs") + 1] = "3";
    assertOneLineError(
        Cli.runWithRealData(longer),
        Main.USAGE,
        "holds a run of another search setting (epochs: 2 → 3); give this search another --out");
  }

  @Test
  void aFinalistThatMissesTheBarOnOneSeedTrainsNoMore() throws Exception {
    Path space = Files.writeString(tmp.resolve("space.yaml"), TINY_SPACE);
    Path out = tmp.resolve("search");
    List<String> args = new java.util.ArrayList<>(List.of(tinySearch(space, out, "--jobs", "2")));
    args.set(args.indexOf("--candidates") + 1, "1");
    args.set(args.indexOf("--target") + 1, "99"); // far above what 2 epochs on 1,200 images reach
    Cli.Outcome o = Cli.runWithRealData(args.toArray(String[]::new));
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out())
        .contains(
            "full runs, seed 1: 1 to train for 1 finalist still at the bar",
            "full runs: every finalist has missed the bar on a seed; no more to train",
            "no candidate trained fully held the bar");

    JsonNode finalist =
        Mappers.JSON.readTree(out.resolve("search.json").toFile()).get("finalists").get(0);
    String name = finalist.get("name").asText();
    assertThat(finalist.get("seeds_skipped").toString()).isEqualTo("[2]");
    assertThat(finalist.get("consistency").get("seeds")).hasSize(1);
    assertThat(out.resolve("full").resolve(name).resolve("seed-1/metrics.json")).exists();
    assertThat(out.resolve("full").resolve(name).resolve("seed-2")).doesNotExist();
    assertThat(out.resolve("winner.yaml")).doesNotExist();
    assertThat(Files.readString(out.resolve("search.md")))
        .contains(
            "seed by seed, each until a seed misses the bar",
            "| 0 of 1 | does not hold: seed 1 missed; 2 not trained |",
            "**No candidate trained fully held the bar.**");
  }

  /** Each epoch's losses and accuracies, without its timings. */
  static List<List<Double>> numbers(Path run) {
    return RunDirectory.open(run).readMetrics().epochs().stream()
        .map(e -> List.of(e.trainLoss(), e.trainAcc(), e.testLoss(), e.testAcc()))
        .toList();
  }

  @Test
  void badSearchesAreRefusedInOneLine() throws Exception {
    Cli.Outcome noBudget = Cli.run(tmp, Map.of(), "search");
    assertOneLineError(noBudget, Main.USAGE, "give --budget PARAMS");
    Path space = Files.writeString(tmp.resolve("space.yaml"), "heads: [dense]\n");
    assertOneLineError(
        Cli.run(tmp, Map.of(), "search", "--budget", "5000", "--space", space.toString()),
        Main.USAGE,
        "heads must list some of gap-conv, conv-gap");
    assertOneLineError(
        Cli.run(tmp, Map.of(), "search", "--budget", "5000", "--top", "0"),
        Main.USAGE,
        "--top must be at least 1, got 0");
    assertOneLineError(
        Cli.run(tmp, Map.of(), "search", "--budget", "5000", "--jobs", "0"),
        Main.USAGE,
        "--jobs must be at least 1, got 0");
    assertOneLineError(
        Cli.run(tmp, Map.of(), "search", "--budget", "5000", "--target", "9940"),
        Main.USAGE,
        "--target must be a percentage in (0, 100], got 9940");
    assertOneLineError(
        Cli.run(tmp, Map.of(), "search", "--budget", "5000", "--spark", "local[two]"),
        Main.USAGE,
        "'local[two]' is not a Spark master");
    assertOneLineError(
        Cli.run(tmp, Map.of(), "search", "--budget", "5000", "--jobs", "2", "--spark", "local[2]"),
        Main.USAGE,
        "give --jobs or --spark, not both");
  }
}
