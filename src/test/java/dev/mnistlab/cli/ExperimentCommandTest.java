package dev.mnistlab.cli;

import static dev.mnistlab.cli.Cli.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code experiment list}, {@code show} and the smoke-run options, as a person reads them. */
@Tag("integration")
class ExperimentCommandTest {
  @TempDir Path tmp;

  private Cli.Outcome run(String... args) {
    return Cli.run(tmp.resolve("home"), Map.of(), args);
  }

  private static void assertReadable(String text) {
    assertThat(text)
        .doesNotContainPattern("\\[[^\\]]*\\]")
        .doesNotContainPattern("\\dE-?\\d")
        .doesNotContainPattern("\\b1 (epochs|steps)\\b");
    assertThat(text.lines()).allMatch(line -> line.length() < 100, "lines under 100 characters");
  }

  @Test
  void listNamesEveryShippedExperimentReadably() {
    Cli.Outcome o = run("experiment", "list");
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out())
        .contains("three-step   4 steps   MNIST classification in three steps")
        .contains("se-net       6 steps");
    assertReadable(o.out());
  }

  @Test
  void showPrintsAShippedExperimentsResolvedSteps() {
    Cli.Outcome o =
        run("experiment", "show", "three-step", "--out", tmp.resolve("none").toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(o.out())
        .contains("step 3: 3 Augmentation and LR schedule")
        .contains("three-step/step3-cutout-onecycle · 9,776 trainable parameters")
        .contains("training        15 epochs · batch 64")
        .contains("StepLR · peak 0.01, times 0.1 every 7 epochs")
        .contains("torchvision's resized crop of 0.85–1 of the area")
        .contains("test set normalized with mean 0.1325, std 0.3104")
        .contains(tmp.resolve("none") + ": not run");
    assertReadable(o.out());
  }

  @Test
  void smokeRunOptionsAreCheckedBeforeAnythingRuns() {
    assertOneLineError(
        run("experiment", "run", "three-step", "--epochs", "0", "--out", tmp.toString()),
        Main.USAGE,
        "--epochs must be at least 1, got 0");
    assertOneLineError(
        run("experiment", "show", "no-such-experiment"),
        Main.USAGE,
        "no-such-experiment: no such experiment file or shipped experiment; shipped: mnistlab,");
  }

  @Test
  void runsAsParallelJobsGiveExactlyTheNumbersOfOneProcess() {
    String[] smoke = {
      "experiment",
      "run",
      "three-step",
      "--steps",
      "1",
      "--seeds",
      "1..2",
      "--epochs",
      "1",
      "--limit",
      "300",
      "--threads",
      "1"
    };
    Path together = tmp.resolve("together");
    Path apart = tmp.resolve("apart");
    Cli.Outcome inProcess = Cli.runWithRealData(with(smoke, "--out", together.toString()));
    assertThat(inProcess.exitCode()).as(inProcess.err()).isZero();
    Cli.Outcome asJobs = Cli.runWithRealData(with(smoke, "--out", apart.toString(), "--jobs", "2"));
    assertThat(asJobs.exitCode()).as(asJobs.err()).isZero();
    assertThat(asJobs.out())
        .contains("runs as jobs: 2 processes at a time", "step 1 seed 1: done", "step 1 seed 2:");
    for (String seed : java.util.List.of("seed-1", "seed-2")) {
      Path run = Path.of("01-skeleton", seed);
      assertThat(SearchCommandTest.numbers(apart.resolve(run)))
          .as(seed)
          .isEqualTo(SearchCommandTest.numbers(together.resolve(run)));
    }
    // Run again: nothing left to train.
    Cli.Outcome again = Cli.runWithRealData(with(smoke, "--out", apart.toString(), "--jobs", "2"));
    assertThat(again.out())
        .contains("seed 2 · SMOKE RUN · complete, skipped")
        .doesNotContain("started");
  }

  private static String[] with(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
