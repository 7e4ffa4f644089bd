package dev.mnistlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.train.Training;
import dev.mnistlab.train.TrainingObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports of a plain run and of a seeds directory, and the comparison of runs, on short runs of
 * synthetic data: two epochs on 100 of 160 images, a smoke run by any measure.
 */
class RunReportsTest {
  @TempDir static Path tmp;
  private static final DataStore.Loaded DATA = SyntheticData.bands(160);
  private static Path seeds;
  private static Path other;

  private static TrainConfig config(long seed, double maxLr) {
    TrainConfig d = TrainConfig.defaults();
    return TrainConfig.defaults().toBuilder()
        .model("tiny")
        .epochs(2)
        .batchSize(32)
        .seed(seed)
        .limit(100)
        .threads(1)
        .schedule(d.schedule().withOneCycle(maxLr, 0.2, 25, 1e4))
        .build();
  }

  @BeforeAll
  static void train() {
    Engines.start(1);
    ModelSpec spec = ModelSpecParser.parse(SyntheticData.TINY_MODEL, "tiny.yaml");
    seeds = tmp.resolve("seeds");
    for (long seed : List.of(1L, 2L)) {
      Training.run(
          Recipe.of(config(seed, 0.2), spec),
          DATA,
          RunDirectory.seedDir(seeds, seed),
          TrainingObserver.SILENT);
    }
    other = tmp.resolve("other");
    Training.run(Recipe.of(config(1, 0.1), spec), DATA, other, TrainingObserver.SILENT);
  }

  @Test
  void aPlainRunGetsItsReportMarkedAsASmokeRun() throws Exception {
    List<String> progress = new ArrayList<>();
    Path run = RunDirectory.seedDir(seeds, 1);
    ReportBuilder.Report report = ReportBuilder.build(run, d -> DATA, progress::add);

    assertThat(report.kind()).isEqualTo(ReportData.Kind.RUN);
    assertThat(report.limited()).isTrue();
    assertThat(progress).anyMatch(l -> l.startsWith("step 1/1 seed-1: classifying"));
    String md = Files.readString(run.resolve("report.md"));
    assertThat(md)
        .contains("# Run seed-1: tiny on mnist")
        .contains("⚠ SMOKE RUN (100 of 160 training images; 2 of the default recipe's 15 epochs)")
        .contains("Settings: 2 epochs · 100 images · batch 32 · sgd")
        .contains("onecycle, peak 0.2 · augment rotation ±7°")
        // Two epochs: "last 2", never "x/3".
        .containsPattern("\\| [0-2]/2 \\(last 2\\) \\|")
        .doesNotContainPattern("\\d/3")
        .contains("![seed-1 learning rate](report-images/step01-lr.png)");
    // One run has no accuracy-against-parameters chart to draw.
    assertThat(run.resolve("report-images/accuracy-vs-parameters.png")).doesNotExist();
    String html = Files.readString(run.resolve("report.html"));
    assertThat(html)
        .contains("<meta name=\"viewport\"")
        .contains("<div class=\"scroll\"><table>")
        .contains("<details><summary>Model: ")
        .contains("img{max-width:100%")
        .contains("<p class=\"warn\">⚠ SMOKE RUN");
    // The long analysis cell folds behind its first sentence.
    assertThat(html)
        .containsPattern("<td class=\"w\"><details><summary>Computed: [^<]*\\.</summary>");
  }

  @Test
  void aSeedsDirectoryOverlaysItsSeedsAndHasTheConsistencyTable() throws Exception {
    ReportBuilder.Report report = ReportBuilder.build(seeds, d -> DATA);

    assertThat(report.kind()).isEqualTo(ReportData.Kind.SEEDS);
    assertThat(report.steps()).hasSize(1);
    assertThat(report.steps().get(0).runs()).extracting(r -> r.seed()).containsExactly(1L, 2L);
    String md = Files.readString(seeds.resolve("report.md"));
    assertThat(md)
        .contains("# Seeds 1, 2 of seeds: tiny on mnist")
        .contains("### Consistency over seeds")
        .contains(
            "| seed | best % | final % | min of last 2 % | first epoch ≥ 99.40 | last 2 ≥ 99.40 |")
        .contains("### Curves (seeds 1, 2 overlaid)")
        .contains("Consistently ≥ 99.40% (every seed, each of its last 2 epochs): no.")
        .doesNotContainPattern("\\d/3");
  }

  @Test
  void aDirectoryWithoutCompleteRunsIsNamed() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> ReportBuilder.build(empty, d -> DATA))
        .hasMessageContaining(empty + ": not an experiment directory");
  }

  @Test
  void compareShowsOnlyTheDifferingFieldsAndTheMeanOfASeedsDirectory() throws Exception {
    Path out = tmp.resolve("compare");
    Path first = RunDirectory.seedDir(seeds, 1);
    Comparison.Result result = Comparison.of(List.of(first, other, seeds), out);

    assertThat(result.differing()).containsExactly("schedule.max_lr", "seed");
    assertThat(result.entries())
        .extracting(Comparison.Entry::name)
        .containsExactly("seed-1", "other", "seeds");
    Comparison.Entry mean = result.entries().get(2);
    assertThat(mean.seeds()).containsExactly(1L, 2L);
    assertThat(mean.lastN()).isEqualTo(2);
    assertThat(mean.bestLowest()).isLessThanOrEqualTo(mean.best());
    String text = result.table().toText();
    assertThat(text.lines().findFirst().orElseThrow())
        .contains("run")
        .contains("schedule.max_lr")
        .contains("min of last 2 test %")
        .doesNotContain("optimizer.momentum");
    assertThat(text).contains("⚠ smoke: 100 images; 2 of 15 epochs");
    assertThat(out.resolve("compare.md")).exists();
    assertThat(out.resolve("compare.html")).exists();
    assertThat(out.resolve("compare-images/test-accuracy.png")).exists();
    assertThat(out.resolve("compare-images/test-loss.png")).exists();
    assertThat(Files.readString(out.resolve("compare.md")))
        .contains("A seeds directory is one row: its figures are the mean over its seeds")
        .contains("![test accuracy of the compared runs](compare-images/test-accuracy.png)");
  }

  /** A copy of a finished run made unfinished: its metrics and weights gone, its progress kept. */
  private static Path unfinishedCopy(Path run, Path to) throws Exception {
    Files.createDirectories(to);
    try (var files = Files.list(run)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (!name.equals("metrics.json") && !name.endsWith(".params")) {
          Files.copy(f, to.resolve(name));
        }
      }
    }
    return to;
  }

  @Test
  void anUnfinishedRunIsReportedOnItsEpochsSoFar() throws Exception {
    Path cut = unfinishedCopy(other, tmp.resolve("unfinished"));
    List<String> progress = new ArrayList<>();
    ReportBuilder.build(cut, d -> DATA, progress::add);
    assertThat(progress).anyMatch(l -> l.contains("the epochs so far"));
    assertThat(Files.readString(cut.resolve("report.md")))
        .contains("⚠ Not complete (interrupted at epoch 2 of 2)")
        .contains("The confusion matrix and the mistakes come with the trained weights");
  }

  @Test
  void compareSaysWhyItHasNothingToCompare() throws Exception {
    assertThatThrownBy(() -> Comparison.of(List.of(tmp.resolve("nothing")), tmp.resolve("c")))
        .hasMessage("nothing to compare: " + tmp.resolve("nothing") + ": does not exist");
    Path notes = Files.createDirectories(tmp.resolve("notes/drafts"));
    assertThatThrownBy(() -> Comparison.of(List.of(notes.getParent()), tmp.resolve("c")))
        .hasMessageContaining(notes + ": not a run directory nor a directory of seed-N runs");
  }

  @Test
  void compareTakesADirectoryOfRunsAndAnUnfinishedRunOnItsEpochsSoFar() throws Exception {
    Path all = tmp.resolve("all");
    unfinishedCopy(other, all.resolve("cut"));
    Files.createDirectories(all.resolve("compare-earlier"));
    Files.writeString(all.resolve("compare-earlier/compare.md"), "# an earlier comparison\n");
    Comparison.Result result = Comparison.of(List.of(all, seeds), tmp.resolve("c2"));
    assertThat(result.entries())
        .extracting(Comparison.Entry::name)
        .containsExactly("cut (interrupted at epoch 2 of 2)", "seeds");
    assertThat(result.skipped())
        .containsExactly(
            all.resolve("compare-earlier")
                + ": not a run directory nor a directory of seed-N runs");
    assertThat(result.table().toText()).contains("cut (interrupted at epoch 2 of 2)");
  }
}
