package dev.mnistlab.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
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
 * Running an edited experiment again: what is still valid is kept, what changed trains again; smoke
 * runs; a run's saved configuration reproduces it.
 */
class ExperimentEditTest {
  @TempDir Path tmp;

  private final DataStore.Loaded data = SyntheticData.bands(96);
  private final List<String> events = new ArrayList<>();
  private final List<ExperimentRunner.Change> changes = new ArrayList<>();

  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  private final ExperimentRunner.Listener recorder =
      new ExperimentRunner.Listener() {
        @Override
        public TrainingObserver starting(
            int index, Experiment.Step step, long seed, Path runDir, ExperimentRunner.Start start) {
          events.add(index + " " + step.name() + ": " + start);
          return TrainingObserver.SILENT;
        }

        @Override
        public void changed(ExperimentRunner.Change change) {
          changes.add(change);
        }
      };

  private Experiment parse(String steps) throws Exception {
    Path model = tmp.resolve("tiny.yaml");
    if (!Files.exists(model)) {
      Files.writeString(model, SyntheticData.TINY_MODEL);
    }
    return ExperimentParser.parse(
        "name: edits\nsteps:\n" + steps.replace("MODEL", model.toString()), "edits.yaml", tmp);
  }

  private static final String PLAIN =
      "  - name: 1 Plain\n    target: a start\n    model: MODEL\n"
          + "    config: {epochs: 1, batch_size: 32, augment: {rotation: 0},"
          + " schedule: {type: constant}, optimizer: {lr: 0.05}}\n"
          + "    analysis: first words\n";
  private static final String ROTATION =
      "  - name: 2 Rotation\n    config: {augment: {rotation: 5}}\n";

  private List<ExperimentRunner.StepResult> run(Experiment e, Path out) {
    events.clear();
    changes.clear();
    return ExperimentRunner.run(e, out, List.of(), List.of(), 1, d -> data, recorder);
  }

  @Test
  void anEditedExperimentRetrainsOnlyTheStepsWhoseRecipeChanged() throws Exception {
    Path out = tmp.resolve("out");
    run(parse(PLAIN + ROTATION), out);
    assertThat(events).containsExactly("1 1 Plain: FRESH", "2 2 Rotation: FRESH");
    String plainMetrics = Files.readString(out.resolve("01-plain/seed-1/metrics.json"));

    // New words, a step inserted before the others, and step 2's rotation changed.
    String edited =
        "  - name: 0 First\n    model: MODEL\n    config: {epochs: 1, batch_size: 16}\n"
            + PLAIN.replace("a start", "a new target").replace("first words", "new words")
            + ROTATION.replace("rotation: 5", "rotation: 6");
    run(parse(edited), out);
    assertThat(events)
        .containsExactly("1 0 First: FRESH", "2 1 Plain: SKIPPED", "3 2 Rotation: FRESH");
    assertThat(changes)
        .extracting(ExperimentRunner.Change::describe)
        .containsExactly(
            "step 2 '1 Plain': its run of seed 1 moved from 01-plain to 02-plain",
            "step 3 '2 Rotation': its run of seed 1 moved from 02-rotation to 03-rotation",
            "step 3 '2 Rotation': the recipe changed (augment.rotation 5 → 6); its run of seed 1"
                + " moved aside to\n  "
                + out.resolve("03-rotation/replaced-1")
                + "");
    // The kept run is the same run, not a new one; the replaced one is kept aside, not deleted.
    assertThat(out.resolve("02-plain/seed-1/metrics.json")).hasContent(plainMetrics);
    assertThat(out.resolve("03-rotation/replaced-1/seed-1/metrics.json")).exists();
    assertThat(
            RunDirectory.open(out.resolve("03-rotation/seed-1")).readConfig().augment().rotation())
        .isEqualTo(6);
    // The report reads the experiment as it is now.
    assertThat(Files.readString(new ExperimentDirectory(out).experimentFile()))
        .contains("new words")
        .contains("0 First");

    // A step added at the end is the only one that trains.
    run(parse(edited + "  - name: 3 Last\n    config: {batch_size: 64}\n"), out);
    assertThat(events)
        .containsExactly(
            "1 0 First: SKIPPED", "2 1 Plain: SKIPPED", "3 2 Rotation: SKIPPED", "4 3 Last: FRESH");
    assertThat(changes).isEmpty();
  }

  /** How the first step of PLAIN with {@code text} replaced differs from {@code plain}, said. */
  private List<String> differencesFromPlain(Recipe plain, String text, String replacement)
      throws Exception {
    Recipe other = parse(PLAIN.replace(text, replacement)).steps().get(0).recipe();
    return plain.differences(other).stream().map(Recipe.Difference::toString).toList();
  }

  @Test
  void aRecipeIsComparedAsResolvedObjectsNotAsText() throws Exception {
    Experiment e = parse(PLAIN + ROTATION);
    // The same values spelled differently (an explicit default, 0.05 as 5e-2) are the same recipe.
    Experiment same =
        parse(
            PLAIN.replace("lr: 0.05", "lr: 5.0e-2")
                + ROTATION.replace("rotation: 5}", "rotation: 5.0, scale: 0}"));
    for (int i = 0; i < 2; i++) {
      Recipe a = e.steps().get(i).recipe();
      assertThat(a.differences(same.steps().get(i).recipe())).isEmpty();
    }
    Recipe plain = e.steps().get(0).recipe();
    assertThat(differencesFromPlain(plain, "lr: 0.05}", "lr: 0.0001, weight_decay: 0}"))
        .containsExactly("optimizer.lr 0.05 → 0.0001", "optimizer.weight_decay 0.0001 → 0");
    // A schedule field the schedule does not read is not part of the recipe; a changed type is
    // said once, with the new schedule's own fields where they differ.
    assertThat(
            differencesFromPlain(
                plain, "{type: constant}", "{type: constant, max_lr: 0.5, step_size: 9}"))
        .isEmpty();
    assertThat(
            differencesFromPlain(
                plain, "{type: constant}", "{type: step, step_size: 9, max_lr: 0.5}"))
        .containsExactly("schedule.type constant → step", "schedule.step_size 5 → 9");
    // A transform list is said in words, not as JSON.
    assertThat(
            differencesFromPlain(
                plain,
                "augment: {rotation: 0}",
                "augment: {transforms: [{rotation: {degrees: 4, fill: 1}}, {erasing: {p: 0.1}}]}"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("augment.transforms none → rotation (degrees 4, fill 1, interpolation nearest")
        .contains("erasing (p 0.1, ")
        .doesNotContain("{");
    // A field absent on one side (no test normalization of its own) is said, not a crash.
    assertThat(
            differencesFromPlain(
                plain, "lr: 0.05}", "lr: 0.05}, test_normalization: {mean: 0.1, std: 0.3}"))
        .containsExactly("test_normalization none → mean 0.1, std 0.3");
    // Another network under the same name is another recipe.
    Files.writeString(
        tmp.resolve("tiny.yaml"), SyntheticData.TINY_MODEL.replace("out: 4", "out: 6"));
    assertThat(plain.differences(parse(PLAIN + ROTATION).steps().get(0).recipe()))
        .extracting(Recipe.Difference::toString)
        .containsExactly("model " + tmp.resolve("tiny.yaml") + " (its layers changed)");
  }

  @Test
  void aSmokeRunSavesItsLengthInEachConfigurationAndIsMarked() throws Exception {
    Experiment full = parse(PLAIN + ROTATION.replace("5}}", "5}, epochs: 2}"));
    Experiment smoke = full.shortened(1, 64);
    Path out = tmp.resolve("out");
    run(smoke, out);
    TrainConfig saved = RunDirectory.open(out.resolve("02-rotation/seed-1")).readConfig();
    assertThat(saved.epochs()).isEqualTo(1);
    assertThat(saved.limit()).isEqualTo(64);
    assertThat(saved.augment().rotation()).isEqualTo(5);

    List<StepStatus> status = new ExperimentDirectory(out).status(full);
    assertThat(status).allMatch(StepStatus::shortened);
    assertThat(status.get(1).describe())
        .isEqualTo(
            "complete: seed 1; SMOKE RUN (epochs 1, recipe 2; limit 64 images, recipe all images)");
    assertThat(ExperimentSheet.runs(status)).startsWith("2 of 2 steps complete; SMOKE RUN (");
    // Against the smoke recipe itself the runs are what they should be.
    assertThat(new ExperimentDirectory(out).status(smoke))
        .allMatch(s -> s.differences().isEmpty() && !s.shortened());

    // The full recipe in the same directory is a changed recipe: said, set aside, trained again.
    run(full, out);
    assertThat(events).containsExactly("1 1 Plain: FRESH", "2 2 Rotation: FRESH");
    assertThat(changes.get(1).describe())
        .contains("the recipe changed (epochs 1 → 2, limit 64 → 0)")
        .contains("replaced-1");
    assertThat(new ExperimentDirectory(out).status(full))
        .allMatch(s -> s.differences().isEmpty() && s.complete().equals(List.of(1L)));

    // Back and forth: runs set aside come back when their recipe does, and need not train.
    run(smoke, out);
    assertThat(events).containsExactly("1 1 Plain: SKIPPED", "2 2 Rotation: SKIPPED");
    assertThat(changes)
        .extracting(ExperimentRunner.Change::kind)
        .containsExactly(
            ExperimentRunner.Change.Kind.REPLACED,
            ExperimentRunner.Change.Kind.RESTORED,
            ExperimentRunner.Change.Kind.REPLACED,
            ExperimentRunner.Change.Kind.RESTORED);
    assertThat(RunDirectory.open(out.resolve("02-rotation/seed-1")).readConfig().limit())
        .isEqualTo(64);
    run(full, out);
    assertThat(events).containsExactly("1 1 Plain: SKIPPED", "2 2 Rotation: SKIPPED");
    assertThat(RunDirectory.open(out.resolve("02-rotation/seed-1")).readConfig().limit()).isZero();

    assertThatThrownBy(() -> full.shortened(0, null))
        .hasMessage("--epochs must be at least 1, got 0");
    assertThatThrownBy(() -> full.shortened(null, -5))
        .hasMessage("--limit must be 0 (all training images) or positive, got -5");
  }

  @Test
  void aStepsSavedConfigurationReproducesItsRun() throws Exception {
    // The step asks for 3 threads, but this process's engine was started with its default (0),
    // as `experiment run` without --threads did: the run must record what it trained with.
    Experiment e = parse(PLAIN.replace("epochs: 1,", "epochs: 2, threads: 3,"));
    Path out = tmp.resolve("out");
    RunResult ran =
        ExperimentRunner.run(e, out, List.of(), List.of(), 0, d -> data, recorder)
            .get(0)
            .runs()
            .get(0);
    Path config = out.resolve("01-plain/seed-1/config.yaml");
    TrainConfig saved = TrainConfigs.load(config);
    assertThat(saved.threads()).isZero();
    assertThat(saved.withRun(1, 3)).isEqualTo(e.steps().get(0).config());

    // `train --config` of the saved file: the same run, epoch for epoch.
    RunResult again =
        Training.run(
            Recipe.of(saved, ModelZoo.resolve(saved.model())),
            data,
            tmp.resolve("again"),
            TrainingObserver.SILENT);
    assertThat(measured(again.epochs())).isEqualTo(measured(ran.epochs())).hasSize(2);
  }

  @Test
  void anInterruptedRunContinuesOnlyWithTheThreadsItSaved() throws Exception {
    Experiment e = parse(PLAIN.replace("epochs: 1,", "epochs: 2,"));
    Path out = tmp.resolve("out");
    assertThatThrownBy(
            () ->
                ExperimentRunner.run(
                    e,
                    out,
                    List.of(),
                    List.of(),
                    1,
                    d -> data,
                    (index, step, seed, runDir, start) -> crashAfterFirstEpoch()))
        .hasMessage("simulated crash");
    assertThatThrownBy(
            () -> ExperimentRunner.run(e, out, List.of(), List.of(), 2, d -> data, recorder))
        .hasMessage(
            out.resolve("01-plain/seed-1")
                + " was interrupted; its config.yaml says threads: 1, but this process trains"
                + " with 2 (0: the engine's default). Continue it with --threads 1, or delete it"
                + " to train it again");
    run(e, out);
    assertThat(events).containsExactly("1 1 Plain: RESUMED");
  }

  @Test
  void theEngineThreadsComeFromTheStepsToRunWhenTheyAgree() throws Exception {
    Experiment e =
        parse(
            PLAIN.replace("epochs: 1,", "epochs: 1, threads: 2,")
                + ROTATION.replace("5}}", "5}, threads: 4}"));
    assertThat(ExperimentRunner.threads(e, List.of(1L))).isEqualTo(2);
    assertThat(ExperimentRunner.threads(e, List.of(2L))).isEqualTo(4);
    assertThatThrownBy(() -> ExperimentRunner.threads(e, List.of()))
        .hasMessage(
            "edits.yaml: the steps ask for different engine thread counts (step 1: 2; step 2: 4);"
                + " one process trains with one, so give --threads N");
  }

  /** What a run measured, without the wall-clock figures. */
  private static List<List<Double>> measured(List<EpochMetrics> epochs) {
    return epochs.stream()
        .map(m -> List.of(m.lr(), m.trainLoss(), m.trainAcc(), m.testLoss(), m.testAcc()))
        .toList();
  }

  private static TrainingObserver crashAfterFirstEpoch() {
    return new TrainingObserver() {
      @Override
      public void epochDone(EpochMetrics metrics) {
        throw new IllegalStateException("simulated crash");
      }
    };
  }
}
