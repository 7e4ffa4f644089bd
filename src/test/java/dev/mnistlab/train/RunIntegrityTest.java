package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.io.DamagedFileException;
import dev.mnistlab.io.DirectoryLock;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What mnistlab does with run files that are damaged, and with run directories another process
 * holds: nothing damaged is ever used, and each refusal names the file and what is wrong.
 */
class RunIntegrityTest {
  @TempDir Path tmp;

  private static final ModelSpec SPEC = ModelSpecParser.parse(SyntheticData.TINY_MODEL, "t.yaml");
  private static final DataStore.Loaded DATA = SyntheticData.bands(128);

  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  private static TrainConfig threeEpochs() {
    return TrainConfigs.override(
        TrainConfig.defaults(),
        Mappers.YAML
            .createObjectNode()
            .put("model", "tiny")
            .put("epochs", 3)
            .put("batch_size", 32)
            .put("threads", 1),
        "test");
  }

  /** A run interrupted after epoch 2 (its checkpoint on disk), as a crash leaves it. */
  private Path interrupted(String name) {
    Path dir = tmp.resolve(name);
    assertThatThrownBy(
            () ->
                Training.run(
                    Recipe.of(threeEpochs(), SPEC),
                    DATA,
                    dir,
                    new TrainingObserver() {
                      @Override
                      public void epochDone(EpochMetrics metrics) {
                        if (metrics.epoch() == 2) {
                          throw new IllegalStateException("simulated crash");
                        }
                      }
                    }))
        .hasMessage("simulated crash");
    return dir;
  }

  private static void flipByte(Path file, int fromEnd) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - fromEnd] ^= 0x10;
    Files.write(file, bytes);
  }

  @Test
  void aDamagedCheckpointIsRefusedNeverResumed() throws Exception {
    // A flipped bit in a tensor, a changed digit in the metrics, a cut: each refused, naming it.
    Path tensor = interrupted("tensor");
    flipByte(RunDirectory.open(tensor).checkpointFile(), 7);
    Path metrics = interrupted("metrics");
    Path checkpoint = RunDirectory.open(metrics).checkpointFile();
    byte[] bytes = Files.readAllBytes(checkpoint);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    java.util.regex.Matcher accuracy =
        java.util.regex.Pattern.compile("\"test_acc\"\\s*:\\s*").matcher(text);
    assertThat(accuracy.find()).isTrue();
    int digit = accuracy.end();
    bytes[digit] = (byte) (bytes[digit] == '9' ? '8' : '9');
    Files.write(checkpoint, bytes);
    Path cut = interrupted("cut");
    Path cutFile = RunDirectory.open(cut).checkpointFile();
    Files.write(cutFile, Arrays.copyOf(Files.readAllBytes(cutFile), 1000));
    for (Path dir : List.of(tensor, metrics, cut)) {
      assertThatThrownBy(() -> Training.resume(dir, DATA, TrainingObserver.SILENT))
          .as(dir.getFileName().toString())
          .isInstanceOf(DamagedFileException.class)
          .hasMessageStartingWith(dir.resolve("checkpoint.bin") + ": damaged: ")
          .hasMessageContaining("do not match the SHA-256");
      assertThat(RunDirectory.open(dir).isComplete()).isFalse();
    }
  }

  @Test
  void aCheckpointOfTheFirstFormatStillResumes() throws Exception {
    RunResult whole =
        Training.run(Recipe.of(threeEpochs(), SPEC), DATA, tmp.resolve("w"), silent());
    Path dir = interrupted("v1");
    // The first format was the same blocks after its own magic line, with no digest.
    Path file = RunDirectory.open(dir).checkpointFile();
    byte[] v2 = Files.readAllBytes(file);
    byte[] magic2 = "MNISTLAB-CHECKPOINT-2\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(Arrays.copyOf(v2, magic2.length)).isEqualTo(magic2);
    byte[] body = Arrays.copyOfRange(v2, magic2.length + 32, v2.length);
    byte[] magic1 = "MNISTLAB-CHECKPOINT-1\n".getBytes(StandardCharsets.US_ASCII);
    byte[] v1 = Arrays.copyOf(magic1, magic1.length + body.length);
    System.arraycopy(body, 0, v1, magic1.length, body.length);
    Files.write(file, v1);
    RunResult resumed = Training.resume(dir, DATA, silent());
    assertThat(resumed.epochs())
        .extracting(EpochMetrics::testAcc)
        .isEqualTo(whole.epochs().stream().map(EpochMetrics::testAcc).toList());
    // A first-format file cut short is refused by its lengths, not read past its end.
    Path cut = interrupted("v1-cut");
    Files.write(RunDirectory.open(cut).checkpointFile(), Arrays.copyOf(v1, v1.length - 100));
    assertThatThrownBy(() -> Training.resume(cut, DATA, silent()))
        .isInstanceOf(DamagedFileException.class)
        .hasMessageContaining("checkpoint.bin: truncated or damaged: a block claims");
  }

  private static TrainingObserver silent() {
    return TrainingObserver.SILENT;
  }

  @Test
  void damagedWeightsAreRefusedAndOlderRunsWithoutSumsStillLoad() throws Exception {
    Path dir = tmp.resolve("done");
    Training.run(Recipe.of(threeEpochs(), SPEC), DATA, dir, silent());
    RunDirectory run = RunDirectory.openComplete(dir);
    Path weights = run.weightsFile().orElseThrow();
    // sha256sum -c reads the manifest as it is written.
    assertThat(Files.readString(dir.resolve("SHA256SUMS")))
        .matches("[0-9a-f]{64}  model-0003\\.params\\n");
    try (var trained = run.loadTrained()) {
      assertThat(trained.spec().name()).isEqualTo("tiny");
    }
    byte[] good = Files.readAllBytes(weights);
    flipByte(weights, 3);
    assertThatThrownBy(run::loadTrained)
        .isInstanceOf(DamagedFileException.class)
        .hasMessageStartingWith(weights + ": damaged: its SHA-256 is ")
        .hasMessageContaining("recorded in SHA256SUMS");
    Files.write(weights, Arrays.copyOf(good, good.length / 2));
    assertThatThrownBy(run::loadTrained).hasMessageStartingWith(weights + ": damaged");
    // A run from before the manifest: loaded as it is, and a cut file still names itself.
    Files.delete(dir.resolve("SHA256SUMS"));
    assertThatThrownBy(run::loadTrained)
        .isInstanceOf(DamagedFileException.class)
        .hasMessageStartingWith(weights + ": cannot be loaded as the weights of tiny (");
    Files.write(weights, good);
    try (var trained = run.loadTrained()) {
      assertThat(trained.spec().name()).isEqualTo("tiny");
    }
    // No temporary files are left by the writes.
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }

  @Test
  void aRunHeldByAnotherTrainingIsRefusedNamingItsOwner() throws Exception {
    Path dir = interrupted("held");
    try (DirectoryLock held = RunDirectory.open(dir).lock()) {
      assertThatThrownBy(() -> Training.resume(dir, DATA, silent()))
          .isInstanceOf(DirectoryLock.HeldException.class)
          .hasMessageStartingWith("run directory " + dir + " is in use by this process (pid ");
    }
    // Released: the run continues, and the lock file is left empty.
    assertThat(Training.resume(dir, DATA, silent()).epochs()).hasSize(3);
    assertThat(Files.readString(dir.resolve("run.lock"))).isEmpty();
  }

  @Test
  void aDeadOwnersLockAndTemporaryFilesAreTakenOverWithANotice() throws Exception {
    Path dir = interrupted("stale");
    // What SIGKILL mid-write leaves: the owner's line in run.lock and a partial temporary file.
    Files.writeString(
        dir.resolve("run.lock"), "pid 4242 on elsewhere since 2026-11-24T13:00:00Z\n");
    Files.write(dir.resolve("checkpoint.bin1234.part"), new byte[100]);
    List<String> notices = new ArrayList<>();
    Training.resume(
        dir,
        DATA,
        new TrainingObserver() {
          @Override
          public void recovered(String previousOwner, List<Path> leftovers) {
            notices.add(previousOwner + " / " + leftovers.size());
          }
        });
    assertThat(notices).containsExactly("pid 4242 on elsewhere since 2026-11-24T13:00:00Z / 1");
    assertThat(dir.resolve("checkpoint.bin1234.part")).doesNotExist();
    assertThat(RunDirectory.open(dir).isComplete()).isTrue();
  }

  @Test
  void aRunContinuedUnderAnotherThreadCountRecordsWhichEpochsRanOnWhich() throws Exception {
    // The engine's threads are the process's: whatever this JVM started with, then another.
    int before = Engines.threads();
    int after = before == 1 ? 2 : 1;
    Path dir = interrupted("threads");
    ai.djl.pytorch.jni.JniUtils.setNumThreads(after);
    try {
      RunResult continued = Training.resume(dir, DATA, silent());
      assertThat(continued.epochs())
          .extracting(EpochMetrics::threads)
          .containsExactly(before, before, after);
      assertThat(RunDirectory.open(dir).readMetrics().epochs())
          .extracting(EpochMetrics::threads)
          .containsExactly(before, before, after);
    } finally {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(before);
    }
  }
}
