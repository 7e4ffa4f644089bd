package dev.mnistlab.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.io.DamagedFileException;
import dev.mnistlab.io.DirectoryLock;
import dev.mnistlab.model.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStatusTest {
  @TempDir Path tmp;

  private RunDirectory run() {
    RunDirectory dir = RunDirectory.create(tmp.resolve("run"));
    dir.writeRecipe(Recipe.of(TrainConfig.defaults(), ModelZoo.resolve("mnistlab/compact")));
    return dir;
  }

  private static RunProgress progress(int epochs, String failure) {
    List<EpochMetrics> done = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      done.add(new EpochMetrics(e, 0.1, 0.5, 90, 0.1, 98 + e / 10.0, 20, 3000, 25.0 * e, 2));
    }
    return new RunProgress(
        "mnistlab/compact",
        "mnist",
        1,
        15,
        7_426,
        2_000,
        "2026-12-07T10:00:00Z",
        "2026-12-07T10:02:00Z",
        failure,
        done);
  }

  @Test
  void aRunNobodyTrainsIsInterruptedAtItsLastEpoch() {
    RunDirectory dir = run();
    dir.writeProgress(progress(3, null));
    RunStatus status = dir.status();
    assertThat(status.state()).isEqualTo(RunStatus.State.INTERRUPTED);
    assertThat(status.epochsDone()).isEqualTo(3);
    assertThat(status.describe()).isEqualTo("interrupted at epoch 3 of 15");
    assertThat(dir.readProgress().orElseThrow().epochs()).hasSize(3);
  }

  @Test
  void aRunWhoseLockALiveProcessHoldsIsRunning() {
    RunDirectory dir = run();
    dir.writeProgress(progress(2, null));
    try (DirectoryLock lock = dir.lock()) {
      RunStatus status = dir.status();
      assertThat(status.state()).isEqualTo(RunStatus.State.RUNNING);
      assertThat(status.describe()).isEqualTo("in progress, epoch 2 of 15 done");
      assertThat(status.detail()).startsWith("pid " + ProcessHandle.current().pid() + " on ");
    }
    assertThat(dir.status().state()).isEqualTo(RunStatus.State.INTERRUPTED);
  }

  @Test
  void aLockLeftByADeadProcessIsNotRunning() throws Exception {
    RunDirectory dir = run();
    dir.writeProgress(progress(1, null));
    // A pid no process has (above Linux's pid_max) on this host, as a SIGKILLed trainer leaves it.
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Files.writeString(
        dir.path().resolve("run.lock"),
        "pid 99999999 on " + host + " since 2026-12-07T10:00:00Z\n");
    assertThat(dir.status().state()).isEqualTo(RunStatus.State.INTERRUPTED);
  }

  @Test
  void aFailureIsRecordedAndSaid() {
    RunDirectory dir = run();
    dir.writeProgress(progress(4, "the loss became NaN at epoch 5"));
    RunStatus status = dir.status();
    assertThat(status.state()).isEqualTo(RunStatus.State.FAILED);
    assertThat(status.describe())
        .isEqualTo("failed after 4 epochs (the loss became NaN at epoch 5)");
  }

  @Test
  void aRunWithoutProgressIsNotStartedOrOfAnOlderVersion() throws Exception {
    RunDirectory dir = run();
    assertThat(dir.status().describe()).isEqualTo("interrupted before its first epoch ended");
    assertThat(dir.status().plannedEpochs()).isEqualTo(15);
    Files.write(dir.checkpointFile(), new byte[] {1});
    assertThat(dir.status().describe()).isEqualTo("interrupted");
  }

  @Test
  void aDamagedProgressFileIsNamed() throws Exception {
    RunDirectory dir = run();
    Files.writeString(dir.path().resolve("progress.json"), "{\"epochs\": [1, 2");
    assertThatThrownBy(dir::status)
        .isInstanceOf(DamagedFileException.class)
        .hasMessageStartingWith(dir.path().resolve("progress.json") + ": it cannot be read");
  }
}
