package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.engine.Machine;
import dev.mnistlab.eval.CrossEntropy;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.model.SpecException;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunEvaluation;
import dev.mnistlab.run.RunProgress;
import dev.mnistlab.run.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training on tiny synthetic data: fast checks of the loop's contracts. */
class TrainingTest {
  @TempDir Path tmp;

  private static final String TINY = SyntheticData.TINY_MODEL;

  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  private static DataStore.Loaded synthetic(int n) {
    return SyntheticData.bands(n);
  }

  static TrainConfig config(long seed) {
    return TrainConfig.defaults().toBuilder()
        .model("tiny")
        .epochs(2)
        .batchSize(32)
        .seed(seed)
        .threads(1)
        .build();
  }

  @Test
  void aTestLimitScoresFewerImagesInEveryEpochButTheLast() {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    List<String> scored = new ArrayList<>();
    TrainingObserver listener =
        new TrainingObserver() {
          @Override
          public void evaluating(int epoch, int images) {
            scored.add(epoch + ":" + images);
          }
        };
    TrainConfig quick = config(1).toBuilder().epochs(3).testLimit(50).build();
    RunResult r = Training.run(Recipe.of(quick, spec), synthetic(256), tmp.resolve("q"), listener);
    assertThat(scored).containsExactly("1:50", "2:50", "3:256");
    assertThat(r.epochs()).hasSize(3);
    assertThat(RunDirectory.open(tmp.resolve("q")).readConfig().testLimit()).isEqualTo(50);
  }

  @Test
  void sameSeedSameThreadsGiveIdenticalMetrics() {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    DataStore.Loaded data = synthetic(256);
    RunResult a =
        Training.run(Recipe.of(config(3), spec), data, tmp.resolve("a"), TrainingObserver.SILENT);
    RunResult b =
        Training.run(Recipe.of(config(3), spec), data, tmp.resolve("b"), TrainingObserver.SILENT);
    RunResult c =
        Training.run(Recipe.of(config(4), spec), data, tmp.resolve("c"), TrainingObserver.SILENT);
    assertThat(b.epochs())
        .extracting(EpochMetrics::trainLoss)
        .isEqualTo(a.epochs().stream().map(EpochMetrics::trainLoss).toList());
    assertThat(b.epochs())
        .extracting(EpochMetrics::testAcc)
        .isEqualTo(a.epochs().stream().map(EpochMetrics::testAcc).toList());
    assertThat(c.epochs().get(0).trainLoss()).isNotEqualTo(a.epochs().get(0).trainLoss());
    // Same numbers are promised only on the same kind of computer, so each run names it.
    assertThat(RunDirectory.open(tmp.resolve("a")).readMetrics().machine())
        .isEqualTo(Machine.describe());
  }

  @Test
  void noTensorOutlivesItsEpoch() {
    // Every engine array in the process, counted at the end of each epoch: a batch's tensors that
    // escaped their sub-manager would add up epoch after epoch.
    List<Integer> live = new java.util.ArrayList<>();
    try (ai.djl.ndarray.NDManager probe = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.ndarray.NDManager root = probe.getParentManager();
      ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
      TrainConfig c = config(5);
      TrainConfig fourEpochs =
          TrainConfig.defaults().toBuilder()
              .model(c.model())
              .dataset(c.dataset())
              .epochs(4)
              .batchSize(c.batchSize())
              .seed(c.seed())
              .limit(c.limit())
              .threads(c.threads())
              .optimizer(c.optimizer())
              .schedule(c.schedule())
              .augment(c.augment())
              .labelSmoothing(c.labelSmoothing())
              .emaDecay(c.emaDecay())
              .stop(c.stop())
              .build();
      Training.run(
          Recipe.of(fourEpochs, spec),
          synthetic(256),
          tmp.resolve("flat"),
          new TrainingObserver() {
            @Override
            public void epochDone(EpochMetrics metrics) {
              live.add(root.getManagedArrays().size());
            }
          });
    }
    assertThat(live).hasSize(4);
    assertThat(live.get(0)).isPositive();
    assertThat(live).as("live engine arrays after each epoch").containsOnly(live.get(0));
  }

  @Test
  void aModelForAnotherInputShapeIsRejectedBeforeTraining() {
    ModelSpec spec = ModelSpecParser.parse(TINY.replace("[1, 28, 28]", "[3, 28, 28]"), "rgb.yaml");
    assertThatThrownBy(
            () ->
                Training.run(
                    Recipe.of(config(1), spec),
                    synthetic(8),
                    tmp.resolve("x"),
                    TrainingObserver.SILENT))
        .isInstanceOf(SpecException.class)
        .hasMessage("rgb.yaml: input 3×28×28 does not match mnist's 1×28×28 grayscale images");
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void aLimitBeyondTheTrainingImagesIsRejectedBeforeTraining() {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    TrainConfig nine =
        TrainConfigs.override(config(1), Mappers.YAML.createObjectNode().put("limit", 9), "test");
    assertThatThrownBy(
            () ->
                Training.run(
                    Recipe.of(nine, spec), synthetic(8), tmp.resolve("y"), TrainingObserver.SILENT))
        .hasMessage("limit 9 is more than the 8 training images of mnist (0 uses them all)");
    assertThat(tmp.resolve("y")).doesNotExist();
  }

  @Test
  void aValidationSplitIsHeldOutOfTrainingAndScoredInsteadOfTheTestSet() {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    TrainConfig held =
        TrainConfigs.override(
            config(1), Mappers.YAML.createObjectNode().put("validation", 64), "test");
    List<Integer> scored = new ArrayList<>();
    RunResult r =
        Training.run(
            Recipe.of(held, spec),
            synthetic(256),
            tmp.resolve("v"),
            new TrainingObserver() {
              @Override
              public void evaluating(int epoch, int images) {
                scored.add(images);
              }
            });
    assertThat(r.trainImages()).isEqualTo(192);
    assertThat(scored).containsOnly(64);
    assertThat(RunDirectory.open(tmp.resolve("v")).readConfig().validation()).isEqualTo(64);

    TrainConfig all =
        TrainConfigs.override(
            config(1), Mappers.YAML.createObjectNode().put("validation", 8), "test");
    assertThatThrownBy(
            () ->
                Training.run(
                    Recipe.of(all, spec), synthetic(8), tmp.resolve("w"), TrainingObserver.SILENT))
        .hasMessage("validation 8 would hold out all 8 training images of mnist");
    TrainConfig tooMany =
        TrainConfigs.override(
            config(1),
            Mappers.YAML.createObjectNode().put("validation", 4).put("limit", 5),
            "test");
    assertThatThrownBy(
            () ->
                Training.run(
                    Recipe.of(tooMany, spec),
                    synthetic(8),
                    tmp.resolve("w"),
                    TrainingObserver.SILENT))
        .hasMessage("limit 5 is more than the 4 training images of mnist (0 uses them all)");
  }

  @Test
  void aSoftmaxHeadTrainsOnLogProbabilities() {
    ModelSpec spec = ModelSpecParser.parse(TINY + "  - softmax\n", "softmax.yaml");
    RunResult r =
        Training.run(
            Recipe.of(config(1), spec), synthetic(256), tmp.resolve("s"), TrainingObserver.SILENT);
    assertThat(r.epochs()).allSatisfy(e -> assertThat(e.trainLoss()).isFinite().isPositive());
    assertThat(r.last().trainLoss()).isLessThan(r.epochs().get(0).trainLoss());
  }

  @Test
  void labelSmoothingFollowsPyTorch() {
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.ndarray.NDArray logProbs =
          m.create(new float[] {0.7f, 0.3f}, new ai.djl.ndarray.types.Shape(1, 2)).log();
      ai.djl.ndarray.NDArray label = m.create(new long[] {0});
      // (1−ε)·(−log 0.7) + ε·mean(−log 0.7, −log 0.3) with ε = 0.2.
      double expected = 0.8 * -Math.log(0.7) + 0.2 * (-Math.log(0.7) - Math.log(0.3)) / 2;
      assertThat(CrossEntropy.mean(logProbs, label, 0.2).getFloat())
          .isCloseTo((float) expected, org.assertj.core.api.Assertions.within(1e-6f));
      assertThat(CrossEntropy.mean(logProbs, label, 0).getFloat())
          .isCloseTo((float) -Math.log(0.7), org.assertj.core.api.Assertions.within(1e-6f));
    }
  }

  @Test
  void stopAtEndsTheRunOnceTheTargetHeldForPatienceEpochs() {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    TrainConfig c = config(1);
    TrainConfig stopping =
        TrainConfig.defaults().toBuilder()
            .model(c.model())
            .dataset(c.dataset())
            .epochs(4)
            .batchSize(c.batchSize())
            .threads(1)
            .optimizer(c.optimizer())
            .schedule(c.schedule())
            .augment(c.augment())
            .labelSmoothing(0.1)
            .stop(new TrainConfig.Stop(5.0, 1))
            .build();
    RunResult r =
        Training.run(
            Recipe.of(stopping, spec),
            synthetic(128),
            tmp.resolve("stop"),
            TrainingObserver.SILENT);
    // Epoch 1 scores 11.7% on this data, so a 5% target held for 1 epoch ends the run there.
    assertThat(r.epochs()).as(r.epochs().toString()).hasSize(1);
    assertThat(runDirHasMetrics(tmp.resolve("stop"))).isTrue();

    TrainConfig.Stop twoInARow = new TrainConfig.Stop(99.4, 2);
    assertThat(twoInARow.reached(List.of(99.5, 99.3, 99.4))).isFalse();
    assertThat(twoInARow.reached(List.of(99.3, 99.41, 99.4))).isTrue();
    assertThat(TrainConfig.Stop.NEVER.reached(List.of(100.0))).isFalse();
  }

  private static boolean runDirHasMetrics(Path dir) {
    return RunDirectory.exists(dir) && RunDirectory.open(dir).isComplete();
  }

  @Test
  void everyOptimizerTrains() {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    for (String type : List.of("sgd", "adam", "adamw")) {
      TrainConfig c = config(1);
      double lr = type.startsWith("adam") ? 0.003 : 0.05;
      TrainConfig withOptimizer =
          TrainConfig.defaults().toBuilder()
              .model(c.model())
              .dataset(c.dataset())
              .epochs(2)
              .batchSize(c.batchSize())
              .threads(1)
              .optimizer(new TrainConfig.Optimizer(type, lr, 0.9, 1e-4))
              .schedule(TrainConfig.Schedule.of("constant"))
              .augment(c.augment())
              .build();
      RunResult r =
          Training.run(
              Recipe.of(withOptimizer, spec),
              synthetic(256),
              tmp.resolve(type),
              TrainingObserver.SILENT);
      assertThat(r.last().trainLoss())
          .as(type)
          .isFinite()
          .isLessThan(r.epochs().get(0).trainLoss());
    }
  }

  private static TrainConfig recipe(
      TrainConfig.Optimizer optimizer, String scheduleYaml, Path tmp, int epochs, double ema)
      throws Exception {
    Path file =
        java.nio.file.Files.writeString(
            tmp.resolve("recipe-" + optimizer.type() + ".yaml"),
            "schedule:\n  " + scheduleYaml.strip().replace("\n", "\n  ") + "\n");
    TrainConfig c = config(7);
    return TrainConfig.defaults().toBuilder()
        .model(c.model())
        .dataset(c.dataset())
        .epochs(epochs)
        .batchSize(c.batchSize())
        .seed(7)
        .threads(1)
        .optimizer(optimizer)
        .schedule(TrainConfigs.load(file).schedule())
        .augment(dev.mnistlab.data.Augmentation.rotation(10))
        .labelSmoothing(0.05)
        .emaDecay(ema)
        .build();
  }

  /** Stops the run after {@code epoch} as a crash would: the checkpoint is already on disk. */
  private static TrainingObserver crashAfter(int epoch) {
    return new TrainingObserver() {
      @Override
      public void epochDone(EpochMetrics metrics) {
        if (metrics.epoch() == epoch) {
          throw new IllegalStateException("simulated crash");
        }
      }
    };
  }

  @Test
  void aResumedRunMatchesAnUninterruptedOne() throws Exception {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    DataStore.Loaded data = synthetic(256);
    List<TrainConfig> recipes =
        List.of(
            recipe(
                new TrainConfig.Optimizer("sgd", 0.05, 0.9, 1e-4, true),
                "type: onecycle\nmax_lr: 0.1\ncycle_momentum: true",
                tmp,
                4,
                0),
            recipe(
                new TrainConfig.Optimizer("adam", 0.003, 0.9, 1e-4),
                "type: plateau\npatience: 0\nfactor: 0.5\nthreshold: 0.5",
                tmp,
                4,
                // The averaged weights are part of the state a resumed run must take back.
                0.9));
    for (TrainConfig recipe : recipes) {
      String name = recipe.optimizer().type();
      RunResult whole =
          Training.run(
              Recipe.of(recipe, spec), data, tmp.resolve(name + "-whole"), TrainingObserver.SILENT);
      Path broken = tmp.resolve(name + "-broken");
      assertThatThrownBy(() -> Training.run(Recipe.of(recipe, spec), data, broken, crashAfter(2)))
          .hasMessage("simulated crash");
      assertThat(RunDirectory.open(broken).isComplete()).isFalse();
      assertThat(RunDirectory.open(broken).checkpointFile()).exists();
      // progress.json kept the two epochs and why the training stopped.
      assertThat(RunDirectory.open(broken).status().describe())
          .isEqualTo("failed after 2 epochs (simulated crash)");
      List<Integer> resumedAt = new ArrayList<>();
      RunResult resumed =
          Training.resume(
              broken,
              data,
              new TrainingObserver() {
                @Override
                public void resumed(List<EpochMetrics> completed) {
                  resumedAt.add(completed.size());
                }
              });
      assertThat(resumedAt).as(name).containsExactly(2);
      RunProgress progress = RunDirectory.open(broken).readProgress().orElseThrow();
      assertThat(progress.failure()).isNull();
      assertThat(progress.epochs()).isEqualTo(resumed.epochs());
      assertThat(RunDirectory.open(broken).status().isComplete()).isTrue();
      assertThat(resumed.epochs().stream().map(TrainingTest::numbers).toList())
          .as(name)
          .isEqualTo(whole.epochs().stream().map(TrainingTest::numbers).toList());
      // The schedules did move: the comparison covers changing rates, not a constant one.
      assertThat(whole.epochs().get(0).lr()).as(name).isNotEqualTo(whole.last().lr());
      // Resuming a finished run returns its saved metrics without training again.
      assertThat(Training.resume(broken, data, TrainingObserver.SILENT).epochs())
          .isEqualTo(resumed.epochs());
    }
  }

  @Test
  void anAveragedRunTestsAndSavesTheAverage() throws Exception {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    DataStore.Loaded data = synthetic(256);
    TrainConfig.Optimizer sgd = TrainConfig.defaults().optimizer();
    RunResult plain =
        Training.run(
            Recipe.of(recipe(sgd, "type: onecycle", tmp, 2, 0), spec),
            data,
            tmp.resolve("plain"),
            TrainingObserver.SILENT);
    RunResult averaged =
        Training.run(
            Recipe.of(recipe(sgd, "type: onecycle", tmp, 2, 0.9), spec),
            data,
            tmp.resolve("averaged"),
            TrainingObserver.SILENT);
    // Same seed, same steps: the training numbers agree and only what is tested differs.
    assertThat(averaged.last().trainLoss()).isEqualTo(plain.last().trainLoss());
    assertThat(averaged.last().testLoss()).isNotEqualTo(plain.last().testLoss());
    // The saved weights are the ones that were tested.
    RunEvaluation again =
        RunEvaluation.of(tmp.resolve("averaged"), null, d -> data, CheckpointModel::load);
    assertThat(again.runs().get(0).evaluation().loss())
        .isCloseTo(averaged.last().testLoss(), org.assertj.core.data.Offset.offset(1e-5));
    assertThat(again.runs().get(0).evaluation().accuracy()).isEqualTo(averaged.last().testAcc());
    // Unfinished, the same run is scored from its checkpoint: the averaged weights again.
    Path cut = Files.createDirectories(tmp.resolve("averaged-cut"));
    for (String name : List.of("config.yaml", "model.yaml", "checkpoint.bin", "progress.json")) {
      Files.copy(tmp.resolve("averaged").resolve(name), cut.resolve(name));
    }
    RunEvaluation fromCheckpoint = RunEvaluation.of(cut, null, d -> data, CheckpointModel::load);
    assertThat(fromCheckpoint.runs().get(0).state()).startsWith("interrupted at epoch");
    assertThat(fromCheckpoint.runs().get(0).evaluation().loss())
        .isCloseTo(averaged.last().testLoss(), org.assertj.core.data.Offset.offset(1e-5));
    // A checkpoint with averages cannot be continued under a recipe without them.
    assertThatThrownBy(
            () ->
                Training.runOrContinue(
                    Recipe.of(recipe(sgd, "type: onecycle", tmp, 2, 0), spec),
                    data,
                    tmp.resolve("averaged"),
                    TrainingObserver.SILENT))
        .hasMessageContaining("another configuration");
  }

  /** An epoch's measurements without its wall-clock timings. */
  private static List<Double> numbers(EpochMetrics e) {
    return List.of(e.lr(), e.trainLoss(), e.trainAcc(), e.testLoss(), e.testAcc());
  }

  @Test
  void aRunContinuesWithAnotherThreadCountButNotWithAnotherRecipe() {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    DataStore.Loaded data = synthetic(64);
    Path dir = tmp.resolve("continue");
    RunResult first =
        Training.runOrContinue(Recipe.of(config(5), spec), data, dir, TrainingObserver.SILENT);
    RunResult again =
        Training.runOrContinue(
            Recipe.of(config(5).withRun(5, 2), spec), data, dir, TrainingObserver.SILENT);
    assertThat(again.epochs()).isEqualTo(first.epochs());
    assertThat(RunDirectory.open(dir).readConfig().threads()).isEqualTo(1);
    assertThatThrownBy(
            () ->
                Training.runOrContinue(
                    Recipe.of(config(6), spec), data, dir, TrainingObserver.SILENT))
        .hasMessageContaining("holds a run of another configuration");
  }

  @Test
  void anEditedSpecUnderTheSameNameIsAnotherRun() {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    ModelSpec edited = ModelSpecParser.parse(TINY.replace("out: 4", "out: 6"), "tiny.yaml");
    assertThat(edited.name()).isEqualTo(spec.name());
    DataStore.Loaded data = synthetic(64);
    Path dir = tmp.resolve("edited");
    Training.runOrContinue(Recipe.of(config(5), spec), data, dir, TrainingObserver.SILENT);
    // Before, only the configuration was compared: the old network was reported complete.
    assertThatThrownBy(
            () ->
                Training.runOrContinue(
                    Recipe.of(config(5), edited), data, dir, TrainingObserver.SILENT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            dir
                + " holds a run of another network (model "
                + config(5).model()
                + ": its layers changed); choose another --out or delete it");
    assertThatThrownBy(
            () ->
                Training.runOrContinue(
                    Recipe.of(config(6), edited), data, dir, TrainingObserver.SILENT))
        .hasMessageContaining("its layers changed; seed: 5 → 6");
    // The same network parsed again is the same run.
    RunResult again =
        Training.runOrContinue(
            Recipe.of(config(5), ModelSpecParser.parse(TINY, "tiny.yaml")),
            data,
            dir,
            TrainingObserver.SILENT);
    assertThat(again.epochs()).hasSize(config(5).epochs());
  }

  @Test
  void aFinishedRunGrowsWhenItsScheduleAllowsAndOtherwiseSaysWhyNot() throws Exception {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    DataStore.Loaded data = synthetic(128);
    TrainConfig.Optimizer sgd = new TrainConfig.Optimizer("sgd", 0.05, 0.9, 1e-4);
    String step = "type: step\nstep_size: 1\ngamma: 0.5";
    TrainConfig two = recipe(sgd, step, tmp, 2, 0);
    TrainConfig three = recipe(sgd, step, tmp, 3, 0);
    RunResult whole =
        Training.run(Recipe.of(three, spec), data, tmp.resolve("whole"), TrainingObserver.SILENT);
    Path dir = tmp.resolve("grown");
    Training.runOrContinue(Recipe.of(two, spec), data, dir, TrainingObserver.SILENT);
    List<String> heard = new ArrayList<>();
    TrainingObserver listener =
        new TrainingObserver() {
          @Override
          public void extending(int from, int to) {
            heard.add("extending " + from + " to " + to);
          }

          @Override
          public void alreadyComplete(RunResult result) {
            heard.add("complete with " + result.epochs().size());
          }
        };
    RunResult grown = Training.runOrContinue(Recipe.of(three, spec), data, dir, listener);
    // The third epoch continues the first two exactly as an uninterrupted 3-epoch run does.
    assertThat(grown.epochs().stream().map(TrainingTest::numbers).toList())
        .isEqualTo(whole.epochs().stream().map(TrainingTest::numbers).toList());
    assertThat(RunDirectory.open(dir).readConfig().epochs()).isEqualTo(3);
    assertThat(RunDirectory.open(dir).weightsFile().orElseThrow().getFileName())
        .hasToString("model-0003.params");
    try (var files = java.nio.file.Files.list(dir)) {
      assertThat(files.filter(f -> f.toString().endsWith(".params")).count()).isEqualTo(1);
    }
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      // Checkpoints are written through a temporary file too, yet readable by the group.
      assertThat(
              java.nio.file.attribute.PosixFilePermissions.toString(
                  java.nio.file.Files.getPosixFilePermissions(dir.resolve("checkpoint.bin"))))
          .isEqualTo("rw-r--r--");
    }
    // The wall clock runs on across the extension and includes more than the training passes.
    List<Double> walls = grown.epochs().stream().map(EpochMetrics::wall).toList();
    assertThat(walls).isSorted().doesNotHaveDuplicates().allMatch(w -> w > 0);
    assertThat(grown.last().wall())
        .isGreaterThan(grown.epochs().stream().mapToDouble(EpochMetrics::seconds).sum());

    Training.runOrContinue(Recipe.of(three, spec), data, dir, listener);
    assertThat(heard).containsExactly("extending 2 to 3", "complete with 3");
    assertThatThrownBy(
            () -> Training.runOrContinue(Recipe.of(two, spec), data, dir, TrainingObserver.SILENT))
        .hasMessageContaining("epochs: 3 → 2")
        .hasMessageContaining("cannot be shortened");
    assertThatThrownBy(
            () ->
                Training.runOrContinue(
                    Recipe.of(three.withSeed(8), spec), data, dir, TrainingObserver.SILENT))
        .hasMessage(
            dir
                + " holds a run of another configuration (seed: 7 → 8); choose another"
                + " --out or delete it");

    Path cycle = tmp.resolve("cycle");
    Training.runOrContinue(
        Recipe.of(recipe(sgd, "type: onecycle", tmp, 2, 0), spec),
        data,
        cycle,
        TrainingObserver.SILENT);
    TrainConfig longer = recipe(sgd, "type: onecycle", tmp, 3, 0);
    assertThatThrownBy(
            () ->
                Training.runOrContinue(
                    Recipe.of(longer, spec), data, cycle, TrainingObserver.SILENT))
        .hasMessageContaining("epochs: 2 → 3")
        .hasMessageContaining("OneCycle spreads its rates over the run's total epochs");
    assertThat(RunDirectory.open(cycle).isComplete()).isTrue();
    assertThat(RunDirectory.open(cycle).readConfig().epochs()).isEqualTo(2);
  }

  @Test
  void divergenceStopsTheRunAndKeepsTheLastGoodCheckpoint() throws Exception {
    ModelSpec spec = ModelSpecParser.parse(TINY, "tiny.yaml");
    // StepLR multiplies the rate by 1e40 after epoch 1: beyond float range, so epoch 2 blows up.
    TrainConfig exploding =
        recipe(
            new TrainConfig.Optimizer("sgd", 0.05, 0.9, 0),
            "type: step\nstep_size: 1\ngamma: 1e40",
            tmp,
            3,
            0);
    Path dir = tmp.resolve("diverged");
    assertThatThrownBy(
            () ->
                Training.run(
                    Recipe.of(exploding, spec), synthetic(256), dir, TrainingObserver.SILENT))
        .isInstanceOf(TrainingDivergedException.class)
        .hasMessageContaining("at epoch 2, batch ")
        .hasMessageContaining(
            "the last good checkpoint (epoch 1) is kept in "
                + RunDirectory.open(dir).checkpointFile());
    assertThat(RunDirectory.open(dir).checkpointFile()).exists();
    assertThat(RunDirectory.open(dir).isComplete()).isFalse();
  }

  @Test
  void nesterovNeedsSgdWithMomentum() {
    TrainConfig c = config(1);
    TrainConfig adamNesterov =
        TrainConfig.defaults().toBuilder()
            .model(c.model())
            .dataset(c.dataset())
            .epochs(1)
            .batchSize(32)
            .threads(1)
            .optimizer(new TrainConfig.Optimizer("adam", 0.001, 0.9, 0, true))
            .schedule(c.schedule())
            .augment(c.augment())
            .build();
    assertThatThrownBy(adamNesterov::validate)
        .hasMessage("nesterov needs the sgd optimizer and a positive momentum");
  }
}
