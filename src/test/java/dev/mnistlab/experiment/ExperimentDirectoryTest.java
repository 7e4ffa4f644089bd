package dev.mnistlab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An experiment directory's names and its saved experiment. */
class ExperimentDirectoryTest {
  @TempDir Path tmp;

  private Experiment twoSteps(String name) throws Exception {
    Path model = Files.writeString(tmp.resolve("tiny.yaml"), SyntheticData.TINY_MODEL);
    return ExperimentParser.parse(
        "name: "
            + name
            + "\ntitle: Two steps\nsteps:\n"
            + "  - name: 1 Plain\n    target: a start\n    model: "
            + model
            + "\n    config: {epochs: 2, batch_size: 32, augment: {rotation: 0}}\n"
            + "    analysis: the author's words\n"
            + "    reported: {params: 100, best_test: 50.5}\n"
            + "  - name: 2 Rotation\n    config: {augment: {rotation: 5}}\n",
        name + ".yaml",
        tmp);
  }

  @Test
  void stepDirectoriesAreShortSafeNamesWhateverTheStepIsCalled() throws Exception {
    assertThat(ExperimentDirectory.stepDirName(2, "3 BatchNorm")).isEqualTo("03-batchnorm");
    assertThat(ExperimentDirectory.stepDirName(0, "../../../evil")).isEqualTo("01-evil");
    assertThat(ExperimentDirectory.stepDirName(4, "???")).isEqualTo("05-step");
    String longest = ExperimentDirectory.stepDirName(9, "word ".repeat(200));
    assertThat(longest).startsWith("10-word-word").doesNotEndWith("-");
    assertThat(longest.length()).isLessThanOrEqualTo(3 + 60);

    Path out = tmp.resolve("out");
    Experiment e = twoSteps("two");
    assertThat(new ExperimentDirectory(out).stepDir(1, e.steps().get(1)))
        .isEqualTo(out.resolve("02-rotation"));
  }

  @Test
  void theSavedExperimentReadsBackWithItsStepsInFull() throws Exception {
    Experiment e = twoSteps("two");
    ExperimentDirectory dir = new ExperimentDirectory(tmp.resolve("out"));
    assertThat(dir.holdsExperiment()).isFalse();
    assertThat(dir.savedStepNames(e)).isEmpty();

    dir.saveExperiment(e);

    assertThat(dir.holdsExperiment()).isTrue();
    assertThat(dir.experimentFile()).isEqualTo(tmp.resolve("out/experiment.yaml"));
    Experiment saved = dir.readExperiment();
    assertThat(saved.name()).isEqualTo("two");
    assertThat(saved.title()).isEqualTo("Two steps");
    assertThat(saved.steps()).isEqualTo(e.steps());
    assertThat(dir.savedStepNames(e)).containsExactly("1 Plain", "2 Rotation");
    // The temporary file it was written to is gone.
    try (var files = Files.list(dir.path())) {
      assertThat(files).containsExactly(dir.experimentFile());
    }
  }

  @Test
  void aDirectoryOfAnotherExperimentIsRefused() throws Exception {
    Path out = tmp.resolve("out");
    new ExperimentDirectory(out).saveExperiment(twoSteps("first"));
    Experiment other = twoSteps("second");
    assertThatThrownBy(() -> new ExperimentDirectory(out).savedStepNames(other))
        .hasMessage(
            out
                + " holds another experiment ('first', not 'second'); choose another --out or"
                + " delete it");
  }

  @Test
  void runsSetAsideGoIntoNumberedDirectoriesListedNewestFirst() throws Exception {
    Path stepDir = Files.createDirectories(tmp.resolve("out/01-plain"));
    assertThat(ExperimentDirectory.asidesIn(stepDir)).isEmpty();
    Path first = Files.createDirectories(ExperimentDirectory.newAside(stepDir));
    Path second = Files.createDirectories(ExperimentDirectory.newAside(stepDir));
    Files.createDirectories(stepDir.resolve("replaced-10"));
    Files.createDirectories(stepDir.resolve("seed-1"));
    Files.writeString(stepDir.resolve("replaced-11"), "a file, not an aside");

    assertThat(List.of(first, second))
        .containsExactly(stepDir.resolve("replaced-1"), stepDir.resolve("replaced-2"));
    assertThat(ExperimentDirectory.asidesIn(stepDir))
        .containsExactly(stepDir.resolve("replaced-10"), second, first);
    assertThat(ExperimentDirectory.removedPlace(stepDir))
        .isEqualTo(tmp.resolve("out/01-plain.removed-1"));
  }
}
