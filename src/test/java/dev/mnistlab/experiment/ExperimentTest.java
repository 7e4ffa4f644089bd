package dev.mnistlab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.train.TrainingObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experiment files: parsing with inherited overrides, and resumable runs on synthetic data. */
class ExperimentTest {
  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  private Path tinyModel() throws Exception {
    return Files.writeString(tmp.resolve("tiny.yaml"), SyntheticData.TINY_MODEL);
  }

  private String twoSteps(Path model) {
    return "name: two\ntitle: Two steps\nsteps:\n"
        + "  - name: 1 Plain\n    target: a start\n    model: "
        + model
        + "\n    config: {epochs: 2, batch_size: 32, threads: 1, augment: {rotation: 0},"
        + " schedule: {type: constant}, optimizer: {lr: 0.05}}\n"
        + "    analysis: the author's words\n"
        + "    reported: {params: 100, best_test: 50.5}\n"
        + "  - name: 2 Rotation\n    config: {augment: {rotation: 5}}\n";
  }

  @Test
  void aStepInheritsThePreviousStepsConfigurationAndOverridesIt() throws Exception {
    Experiment e = ExperimentParser.parse(twoSteps(tinyModel()), "two.yaml", tmp);
    Experiment.Step first = e.steps().get(0);
    Experiment.Step second = e.steps().get(1);
    assertThat(first.config().epochs()).isEqualTo(2);
    assertThat(first.config().augment().rotation()).isZero();
    assertThat(first.analysis()).isEqualTo("the author's words");
    assertThat(first.reported().params()).isEqualTo(100L);
    assertThat(first.reported().bestTest()).isEqualTo(50.5);
    assertThat(first.reported().bestTrain()).isNull();
    // Everything but the rotation carries over from step 1.
    assertThat(second.config().epochs()).isEqualTo(2);
    assertThat(second.config().optimizer().lr()).isEqualTo(0.05);
    assertThat(second.config().schedule().type()).isEqualTo("constant");
    assertThat(second.config().augment().rotation()).isEqualTo(5);
    assertThat(second.config().model()).isEqualTo(first.config().model());
    // The saved form reads back to the same experiment.
    Experiment again = ExperimentParser.parse(ExperimentDirectory.toYaml(e), "saved.yaml", tmp);
    assertThat(again.steps()).isEqualTo(e.steps());
  }

  @Test
  void errorsNameTheFileTheStepAndTheBadValue() throws Exception {
    String model = tinyModel().toString();
    assertThatThrownBy(
            () ->
                ExperimentParser.parse(
                    "name: x\nsteps:\n  - name: a\n    model: " + model + "\n    modle: y\n",
                    "x.yaml",
                    tmp))
        .hasMessageStartingWith("x.yaml: step 1 'a': unknown field 'modle'");
    assertThatThrownBy(
            () ->
                ExperimentParser.parse(
                    "name: x\nsteps:\n  - name: a\n    config: {epochs: 0}\n", "x.yaml", tmp))
        .hasMessage("x.yaml: step 1 'a': epochs must be at least 1, got 0");
    assertThatThrownBy(
            () ->
                ExperimentParser.parse(
                    "name: x\nsteps:\n  - name: a\n  - name: b\n    config: {optimizer: {lr: fast}}\n",
                    "x.yaml",
                    tmp))
        .hasMessageStartingWith("x.yaml: step 2 'b': config: ")
        .hasMessageContaining("fast");
    assertThatThrownBy(
            () ->
                ExperimentParser.parse(
                    "name: x\nsteps:\n  - name: a\n  - name: a\n", "x.yaml", tmp))
        .hasMessage("x.yaml: step 2 'a': another step has this name");
    assertThatThrownBy(
            () ->
                ExperimentParser.parse(
                    "name: x\nsteps:\n  - name: a\n    model: nope/none\n", "x.yaml", tmp))
        .hasMessageStartingWith("x.yaml: step 1 'a': nope/none: unknown model");
    // The name becomes a directory: nothing in it may lead out of runs/experiments.
    for (String escape : List.of("../../../evil", "/tmp/evil", "a/b", "..", ".hidden")) {
      assertThatThrownBy(
              () ->
                  ExperimentParser.parse(
                      "name: '" + escape + "'\nsteps:\n  - name: a\n", "x.yaml", tmp))
          .hasMessageStartingWith("x.yaml: name '" + escape + "' must be 1-64 letters");
    }
  }

  @Test
  void aStepCanNameAConfigurationFileBesideTheExperiment() throws Exception {
    Files.writeString(tmp.resolve("recipe.yaml"), "epochs: 3\nbatch_size: 64\n");
    Experiment e =
        ExperimentParser.parse(
            "name: x\nsteps:\n  - name: a\n    config: recipe.yaml\n", "x.yaml", tmp);
    assertThat(e.steps().get(0).config().epochs()).isEqualTo(3);
    assertThat(e.steps().get(0).config().batchSize()).isEqualTo(64);
  }

  @Test
  void eachRunRecordsTheThreadCountItRanWith() throws Exception {
    String text = twoSteps(tinyModel()).replace("threads: 1, ", "");
    Experiment e = ExperimentParser.parse(text, "two.yaml", tmp);
    Path out = tmp.resolve("threads");
    ExperimentRunner.run(
        e,
        out,
        List.of(),
        List.of(1L),
        1,
        d -> SyntheticData.bands(64),
        ExperimentRunner.Listener.SILENT);
    assertThat(RunDirectory.open(out.resolve("01-plain/seed-1")).readConfig().threads())
        .isEqualTo(1);
    assertThat(e.steps().get(0).config().threads()).isZero();
  }

  @Test
  void aRunSkipsCompleteStepsAndResumesAnInterruptedOne() throws Exception {
    Experiment e = ExperimentParser.parse(twoSteps(tinyModel()), "two.yaml", tmp);
    DataStore.Loaded data = SyntheticData.bands(128);
    Path out = tmp.resolve("out");
    List<String> starts = new ArrayList<>();
    // The first attempt dies after step 2's first epoch.
    assertThatThrownBy(
            () ->
                ExperimentRunner.run(
                    e,
                    out,
                    List.of(),
                    List.of(),
                    0,
                    d -> data,
                    (index, step, seed, runDir, start) -> {
                      starts.add(index + ":" + start);
                      return index == 2 ? crashAfterFirstEpoch() : TrainingObserver.SILENT;
                    }))
        .hasMessage("simulated crash");
    List<ExperimentRunner.StepResult> results =
        ExperimentRunner.run(
            e,
            out,
            List.of(),
            List.of(),
            0,
            d -> data,
            (index, step, seed, runDir, start) -> {
              starts.add(index + ":" + start);
              return TrainingObserver.SILENT;
            });
    assertThat(starts).containsExactly("1:FRESH", "2:FRESH", "1:SKIPPED", "2:RESUMED");
    assertThat(results).hasSize(2);
    assertThat(results.get(1).runs())
        .singleElement()
        .extracting(RunResult::epochs)
        .asList()
        .hasSize(2);
    assertThat(out.resolve("01-plain/seed-1/metrics.json")).exists();
    assertThat(out.resolve("02-rotation/seed-1/metrics.json")).exists();

    Experiment other =
        ExperimentParser.parse(
            twoSteps(tinyModel()).replace("name: two", "name: other"), "o.yaml", tmp);
    assertThatThrownBy(
            () ->
                ExperimentRunner.run(
                    other,
                    out,
                    List.of(),
                    List.of(),
                    0,
                    d -> data,
                    ExperimentRunner.Listener.SILENT))
        .hasMessage(
            out
                + " holds another experiment ('two', not 'other'); choose another --out or delete it");
    assertThatThrownBy(
            () ->
                ExperimentRunner.run(
                    e, out, List.of(), List.of(3L), 0, d -> data, ExperimentRunner.Listener.SILENT))
        .hasMessage("step 3 does not exist; two has steps 1..2");
    // Only step 2, already complete: nothing trains, step 1 is left out.
    assertThat(
            ExperimentRunner.run(
                    e, out, List.of(), List.of(2L), 0, d -> data, ExperimentRunner.Listener.SILENT)
                .stream()
                .map(r -> r.step().name()))
        .containsExactly("2 Rotation");
  }

  private static TrainingObserver crashAfterFirstEpoch() {
    return new TrainingObserver() {
      @Override
      public void epochDone(dev.mnistlab.run.EpochMetrics metrics) {
        throw new IllegalStateException("simulated crash");
      }
    };
  }
}
