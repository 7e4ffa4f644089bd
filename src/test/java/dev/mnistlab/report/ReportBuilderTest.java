package dev.mnistlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.engine.Machine;
import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.experiment.ExperimentDirectory;
import dev.mnistlab.experiment.ExperimentParser;
import dev.mnistlab.experiment.ExperimentRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report rebuilt from an experiment's directory, on synthetic data. */
class ReportBuilderTest {
  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  @Test
  void theReportHasTheTableAnalysisAndEmbeddedPictures() throws Exception {
    Path model = Files.writeString(tmp.resolve("tiny.yaml"), SyntheticData.TINY_MODEL);
    String yaml =
        "name: r\ntitle: Report test\nsteps:\n"
            + "  - name: 1 Plain\n    target: start here\n    model: "
            + model
            + "\n    config: {epochs: 3, batch_size: 32, threads: 1, augment: {rotation: 0}}\n"
            + "    analysis: my own words\n"
            + "    reported: {params: 999, best_test: 42.5}\n"
            + "  - name: 2 Smoothing\n    config: {label_smoothing: 0.1}\n"
            + "  - name: 3 Never run\n    config: {epochs: 4}\n";
    Experiment e = ExperimentParser.parse(yaml, "r.yaml", tmp);
    DataStore.Loaded data = SyntheticData.bands(160);
    Path out = tmp.resolve("out");
    // Run the first two steps only: the report must cope with a step that has no runs yet.
    Experiment firstTwo =
        new Experiment(
            e.name(), e.title(), e.source(), e.description(), e.steps().subList(0, 2), e.origin());
    ExperimentRunner.run(
        firstTwo, out, List.of(), List.of(), 0, d -> data, ExperimentRunner.Listener.SILENT);
    new ExperimentDirectory(out).saveExperiment(e);

    ReportBuilder.Report report = ReportBuilder.build(out, d -> data);

    assertThat(report.steps()).hasSize(3);
    assertThat(report.steps().get(2).runs()).isEmpty();
    assertThat(report.steps().get(2).analysis()).containsExactly("Not run yet.");
    String md = Files.readString(out.resolve("report.md"));
    assertThat(md)
        .contains("# Report test")
        .contains("| step | target | run | params | best train % | best test % (epoch) |")
        .contains("| 1 Plain | start here |")
        .contains("Author: my own words")
        .contains("## Reported by the original author, and measured here")
        .contains("| 3 Never run | 0 | — / ")
        .contains("Changed from the previous step: label_smoothing 0 → 0.1")
        .contains(" · trained on " + Machine.describe())
        .contains("![1 Plain confusion matrix](report-images/step01-confusion.png)");
    assertThat(out.resolve("report-images/step02-mistakes.png")).exists();
    assertThat(out.resolve("report-images/accuracy-vs-parameters.png")).exists();
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("<table>").contains("src=\"data:image/png;base64,");
    assertThat(html).doesNotContain("report-images/");
    // Every step's predictions cover the whole test split.
    assertThat(report.steps().get(0).predictions().labels()).hasSize(160);
  }

  @Test
  void aDirectoryWithoutAnExperimentIsNamed() {
    assertThatThrownBy(() -> ReportBuilder.build(tmp, d -> null))
        .hasMessageContaining(tmp + ": not an experiment directory (no experiment.yaml)");
  }
}
