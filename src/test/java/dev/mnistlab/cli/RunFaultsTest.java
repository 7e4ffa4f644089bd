package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.ChildProcess;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes, really stopped: {@code mnistlab train} halted at each file it writes, killed at
 * random moments, failing a write as on a full disk, stopped with SIGTERM, and raced by a second
 * process on its directory. Every run directory stays loadable, nothing temporary survives the next
 * start, and a run continued after any of it ends with the numbers of an uninterrupted one.
 *
 * <p>Each child trains a 4-channel network for 3 epochs on the first 1,024 real MNIST images (a few
 * seconds); faults are placed with {@code -Dmnistlab.faults} ({@code dev.mnistlab.io.Faults}).
 */
@Tag("integration")
class RunFaultsTest {
  @TempDir static Path tmp;

  private static Path spec;
  private static List<List<Double>> uninterrupted;

  /** One child's end: its exit status and what it printed. */
  record Ended(int status, String out, String err) {}

  /** A running child and the run directory it trains (its output goes beside it). */
  record Child(Process process, Path dir) {}

  @BeforeAll
  static void reference() throws Exception {
    // Real MNIST in the cache before any child starts (the children share it).
    Cli.runWithRealData("data", "fetch");
    spec =
        Files.writeString(
            tmp.resolve("tiny.yaml"),
            "name: tiny\ninput: [1, 28, 28]\nlayers:\n"
                + "  - cbr: {out: 4, kernel: 3, stride: 2, dropout: 0.1}\n"
                + "  - maxpool: 2\n  - conv: {out: 10, kernel: 1}\n  - gap\n");
    Ended whole = train(tmp.resolve("reference"), null);
    assertThat(whole.status()).as(whole.err()).isZero();
    uninterrupted = numbers(tmp.resolve("reference"));
    assertThat(uninterrupted).hasSize(3);
  }

  @Test
  void haltedAtEveryFileItWritesTheRunContinuesToTheSameNumbers() throws Exception {
    Path dir = tmp.resolve("halted");
    // Each child continues the last one's run and halts at its N-th write, before the rename:
    // model.yaml, config.yaml, the checkpoints of epochs 2 and 3, the weights, SHA256SUMS and
    // metrics.json are each caught mid-write once.
    int[] haltAt = {1, 2, 2, 2, 2, 2, 3};
    int tookOver = 0;
    for (int n : haltAt) {
      Ended halted = train(dir, "halt-at-write=" + n);
      assertThat(halted.status()).as(halted.err()).isEqualTo(137);
      assertLoadable(dir, 3);
      tookOver += halted.out().contains("taking over the run from pid ") ? 1 : 0;
    }
    assertThat(temporaryFiles(dir)).as("a halted write leaves its temporary file").isNotEmpty();
    Ended last = train(dir, null);
    assertThat(last.status()).as(last.err()).isZero();
    assertThat(temporaryFiles(dir)).isEmpty();
    // Every child after the first two found the dead one's lock and said so.
    assertThat(tookOver + (last.out().contains("taking over the run") ? 1 : 0)).isGreaterThan(4);
    assertThat(numbers(dir)).isEqualTo(uninterrupted);
    assertThat(Files.readString(dir.resolve("run.lock"))).isEmpty();
  }

  @Test
  void killedAtRandomMomentsTheRunContinuesToTheSameNumbers() throws Exception {
    Path dir = tmp.resolve("killed");
    Random random = new Random(20261124);
    int kills = 0;
    for (int attempt = 0; attempt < 6; attempt++) {
      Child child = start(dir, null, 3, 1024);
      // Anywhere from the JVM's start to the end of the run (a child takes about 5 s).
      boolean ended = child.process().waitFor(500 + random.nextInt(5000), TimeUnit.MILLISECONDS);
      if (!ended) {
        child.process().destroyForcibly().waitFor();
        kills++;
      }
      assertLoadable(dir, 3);
    }
    Ended last = train(dir, null);
    assertThat(last.status()).as(last.err()).isZero();
    assertThat(kills).as("children killed").isPositive();
    assertThat(temporaryFiles(dir)).isEmpty();
    assertThat(numbers(dir)).isEqualTo(uninterrupted);
  }

  @Test
  void aFailedWriteLosesAtMostItsEpochAndLeavesNoTemporaryFile() throws Exception {
    Path dir = tmp.resolve("full");
    // Writes: model.yaml, config.yaml, progress.json, then per epoch its checkpoint and
    // progress.json: the 6th is the checkpoint after epoch 2.
    Ended failed = train(dir, "fail-at-write=6");
    assertThat(failed.status()).isEqualTo(1);
    assertThat(failed.err().strip())
        .startsWith("mnistlab: cannot write the checkpoint " + dir.resolve("checkpoint.bin"))
        .contains("No space left on device")
        .doesNotContain("\n");
    assertThat(temporaryFiles(dir)).isEmpty();
    Ended resumed = train(dir, null);
    assertThat(resumed.status()).as(resumed.err()).isZero();
    assertThat(resumed.out()).contains("resuming from the checkpoint after epoch 1");
    assertThat(numbers(dir)).isEqualTo(uninterrupted);
  }

  @Test
  void aSecondProcessIsRefusedAndSigtermSaysHowToContinue() throws Exception {
    Path dir = tmp.resolve("raced");
    // The whole training set: long enough to be raced and stopped mid-run.
    Child first = start(dir, null, 15, 0);
    Path lock = dir.resolve("run.lock");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!(Files.exists(lock) && Files.size(lock) > 0) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    long pid = first.process().pid();
    assertThat(Files.readString(lock)).startsWith("pid " + pid + " on ");
    Path same = dir.resolveSibling("raced-again");
    Ended second = end(start(dir, null, 15, 0, same));
    assertThat(second.status()).isEqualTo(1);
    assertThat(second.err().strip())
        .startsWith("mnistlab: run directory " + dir + " is in use by pid " + pid + " on ")
        .doesNotContain("\n");
    first.process().destroy();
    Ended stopped = end(first);
    assertThat(stopped.status()).isEqualTo(143);
    assertThat(stopped.err())
        .containsPattern(
            "mnistlab: stopped; (no epoch of .* had finished, so it starts again|.* keeps its"
                + " checkpoint after epoch \\d+); continue with: mnistlab train --resume "
                + java.util.regex.Pattern.quote(dir.toString()));
    assertLoadable(dir, 15);
  }

  private static Ended train(Path dir, String faults) throws Exception {
    return end(start(dir, faults, 3, 1024));
  }

  private static Child start(Path dir, String faults, int epochs, int limit) throws IOException {
    return start(dir, faults, epochs, limit, dir);
  }

  /**
   * Starts {@code mnistlab train} into {@code dir} in a new JVM.
   *
   * @param output names the files its output goes to ({@code NAME.out}, {@code NAME.err})
   */
  private static Child start(Path dir, String faults, int epochs, int limit, Path output)
      throws IOException {
    List<String> command =
        ChildProcess.command(
            faults == null ? List.of() : List.of("-Dmnistlab.faults=" + faults),
            Main.class,
            List.of(
                "train",
                "--model",
                spec.toString(),
                "--epochs",
                Integer.toString(epochs),
                "--limit",
                Integer.toString(limit),
                "--batch-size",
                "64",
                "--threads",
                "1",
                "--seed",
                "3",
                "--out",
                dir.toString()));
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(outputFile(output, ".out").toFile())
            .redirectError(outputFile(output, ".err").toFile())
            .start();
    return new Child(process, output);
  }

  private static Path outputFile(Path output, String suffix) {
    return output.resolveSibling(output.getFileName() + suffix);
  }

  private static Ended end(Child child) throws Exception {
    assertThat(child.process().waitFor(180, TimeUnit.SECONDS)).as("the child ended").isTrue();
    return new Ended(
        child.process().exitValue(),
        Files.readString(outputFile(child.dir(), ".out")),
        Files.readString(outputFile(child.dir(), ".err")));
  }

  /** Whatever a stop left, it opens: its configuration and spec read, or it is not a run yet. */
  private static void assertLoadable(Path dir, int epochs) {
    if (RunDirectory.exists(dir)) {
      RunDirectory run = RunDirectory.open(dir);
      assertThat(run.readConfig().epochs()).isEqualTo(epochs);
      assertThat(run.readSpec().name()).isEqualTo("tiny");
    }
  }

  private static List<Path> temporaryFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".part")).toList();
    }
  }

  /** Each epoch's measured numbers, timings left out. */
  private static List<List<Double>> numbers(Path dir) {
    return RunDirectory.openComplete(dir).readMetrics().epochs().stream()
        .map(RunFaultsTest::numbers)
        .toList();
  }

  private static List<Double> numbers(EpochMetrics e) {
    return List.of(e.lr(), e.trainLoss(), e.trainAcc(), e.testLoss(), e.testAcc());
  }
}
