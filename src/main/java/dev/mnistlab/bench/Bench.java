package dev.mnistlab.bench;

import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.DataStore;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.engine.Machine;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.model.ModelZoo;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.train.Training;
import dev.mnistlab.train.TrainingObserver;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Speed on this machine: training throughput, time to a test-accuracy target, inference, memory,
 * and achieved FLOP/s, for mnistlab and (optionally) its PyTorch replica in two flavours, run
 * alternately in rounds so that a shared machine's noise falls on all of them alike.
 */
public final class Bench {
  /** Who ran a measurement. */
  public static final String MNISTLAB = "mnistlab";

  // One bench run's setting, shared by its benchmarks so that each reads as its own steps.
  private final Options o;
  private final DataStore.Loaded data;
  private final Path dataDir;
  private final Path scratch;
  private final PrintStream log;

  private Bench(Options o, DataStore.Loaded data, Path dataDir, Path scratch, PrintStream log) {
    this.o = o;
    this.data = data;
    this.dataDir = dataDir;
    this.scratch = scratch;
    this.log = log;
  }

  /**
   * What to measure.
   *
   * @param threads the engines' intra-op threads (mnistlab and PyTorch alike)
   * @param rounds rounds of the throughput measurements
   * @param throughputEpochs epochs per throughput run; the first is left out as warm-up
   * @param throughputLimit training images per throughput run
   * @param timeToTargetRounds rounds of the time-to-target runs (each a full training)
   * @param target test accuracy (%) to reach in {@code consecutive} epochs
   * @param recipe the recipe of the throughput runs and of the PyTorch replicas' runs to the target
   *     (its model is replaced per model)
   * @param targetRecipe mnistlab's recipe for its run to the target, and its name
   * @param targetRecipeName what to call {@code targetRecipe} in the table
   * @param models the models whose throughput is measured; the first also gets time to target
   * @param pytorch the PyTorch replica, or null to measure mnistlab alone
   */
  public record Options(
      int threads,
      int rounds,
      int throughputEpochs,
      int throughputLimit,
      int timeToTargetRounds,
      double target,
      int consecutive,
      TrainConfig recipe,
      TrainConfig targetRecipe,
      String targetRecipeName,
      List<String> models,
      PytorchReference pytorch) {}

  /**
   * One quantity measured over rounds.
   *
   * @param what what was measured, e.g. "training images/s, mnistlab/compact"
   * @param who {@link #MNISTLAB} or a PyTorch flavour's label
   * @param values one per round
   * @param note anything the number needs (the epoch a target was reached in)
   */
  public record Measure(String what, String who, String unit, List<Double> values, String note) {
    /** The median of the rounds (the mean of the two middle ones for an even count). */
    public double median() {
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      if (sorted.length == 0) {
        return Double.NaN;
      }
      int middle = sorted.length / 2;
      // An even count has two middle values; the median is their mean, not the upper one.
      return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
  }

  /** Everything one bench measured. */
  public record Report(String machine, int threads, double peakGflops, List<Measure> measures) {}

  /**
   * Measures, printing progress to {@code log}.
   *
   * @param dataDir where the dataset's IDX files are (the PyTorch replica reads them too)
   */
  public static Report run(Options o, DataStore.Loaded data, Path dataDir, PrintStream log)
      throws IOException, InterruptedException {
    List<Measure> measures = new ArrayList<>();
    Path scratch = Files.createTempDirectory("mnistlab-bench-");
    try {
      Bench bench = new Bench(o, data, dataDir, scratch, log);
      for (String model : o.models()) {
        measures.addAll(bench.throughput(model));
      }
      if (o.timeToTargetRounds() > 0) {
        ToTarget toTarget = bench.timeToTarget();
        measures.addAll(toTarget.measures());
        measures.addAll(InferenceBench.measure(toTarget.lastRun(), data.test(), o.rounds()));
      }
      measures.add(peakMemory());
      // The engine's line names the convolution backend the self-check chose: speed depends on it.
      return new Report(
          Machine.describe() + "; engine " + Engines.describe(),
          o.threads(),
          peakGflops(o.threads()),
          measures);
    } finally {
      deleteTree(scratch);
    }
  }

  /**
   * Training throughput of {@code model} over the rounds (mnistlab, then each PyTorch flavour),
   * then mnistlab's resident memory growth, FLOP per image and achieved FLOP/s.
   */
  private List<Measure> throughput(String model) throws IOException, InterruptedException {
    ModelSpec spec = ModelZoo.resolve(model);
    TrainConfig config =
        with(o.recipe(), model, o.throughputEpochs(), o.throughputLimit(), TrainConfig.Stop.NEVER);
    Tally imagesPerSecond = new Tally("training images/s, " + model, "images/s", flavours());
    List<Double> rssGrowth = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      String progress = String.format(Locale.ROOT, "round %d/%d, %s: ", round, o.rounds(), model);
      log.println(progress + MNISTLAB);
      Timed run =
          train(
              config.withSeed(round), spec, scratch.resolve(model.replace('/', '_') + "-" + round));
      imagesPerSecond.add(
          MNISTLAB,
          steady(run.result().epochs().stream().map(EpochMetrics::imagesPerSecond).toList()));
      rssGrowth.add(run.rssGrowthMiB());
      for (PytorchReference.Flavour flavour : flavours()) {
        log.println(progress + flavour.label);
        PytorchReference.Run ref = replica(spec, config.withSeed(round), flavour);
        imagesPerSecond.add(
            flavour.label,
            steady(ref.epochs().stream().map(PytorchReference.Epoch::imagesPerSecond).toList()));
      }
    }
    List<Measure> measures = new ArrayList<>(imagesPerSecond.measures());
    measures.add(
        new Measure(
            "resident memory growth from epoch 2 to the last, " + model,
            MNISTLAB,
            "MiB",
            rssGrowth,
            ""));
    long macs = ModelSummary.of(spec).macs();
    // A training image costs a forward pass and a backward pass of about twice its work;
    // one multiply-accumulate is two floating-point operations.
    double flopPerImage = 6.0 * macs;
    measures.add(
        new Measure(
            "training FLOP per image (6 × MACs), " + model,
            MNISTLAB,
            "MFLOP",
            List.of(flopPerImage / 1e6),
            String.format(Locale.ROOT, "%,d MACs forward", macs)));
    measures.add(
        new Measure(
            "achieved training GFLOP/s, " + model,
            MNISTLAB,
            "GFLOP/s",
            imagesPerSecond.values(MNISTLAB).stream().map(ips -> ips * flopPerImage / 1e9).toList(),
            ""));
    return measures;
  }

  /** The time-to-target measures, and the directory of mnistlab's last run to the target. */
  private record ToTarget(List<Measure> measures, Path lastRun) {}

  /**
   * Seconds for the first model to reach the target in {@code consecutive} epochs, over the
   * time-to-target rounds (mnistlab, then each PyTorch flavour); mnistlab's last run is kept for
   * the inference measurements.
   */
  private ToTarget timeToTarget() throws IOException, InterruptedException {
    String model = o.models().get(0);
    ModelSpec spec = ModelZoo.resolve(model);
    TrainConfig.Stop stop = new TrainConfig.Stop(o.target(), o.consecutive());
    // mnistlab trains with its best recipe. The seed-style replica trains with the reference
    // recipe, as a user of the seed notebooks would; the tuned replica with mnistlab's recipe
    // where it can reproduce it, so that one comparison is engine against engine.
    TrainConfig ourRecipe =
        with(o.targetRecipe(), model, o.targetRecipe().epochs(), o.targetRecipe().limit(), stop);
    TrainConfig reference = with(o.recipe(), model, o.recipe().epochs(), o.recipe().limit(), stop);
    TrainConfig tunedRecipe = replicable(ourRecipe) ? ourRecipe : reference;
    Tally seconds =
        new Tally(
            String.format(
                Locale.ROOT,
                "seconds to ≥ %.2f%% in %d consecutive epochs, %s",
                o.target(),
                o.consecutive(),
                model),
            "s",
            flavours());
    Path lastRun = null;
    for (int round = 1; round <= o.timeToTargetRounds(); round++) {
      String progress =
          String.format(
              Locale.ROOT, "time to target, round %d/%d: ", round, o.timeToTargetRounds());
      log.println(progress + MNISTLAB);
      lastRun = scratch.resolve("target-" + round);
      Timed run = train(ourRecipe.withSeed(round), spec, lastRun);
      reached(
          seconds,
          MNISTLAB,
          run.result().testAccuracies(),
          run.wallSeconds(),
          o.targetRecipeName(),
          ourRecipe.epochs());
      for (PytorchReference.Flavour flavour : flavours()) {
        TrainConfig config = flavour == PytorchReference.Flavour.TUNED ? tunedRecipe : reference;
        log.println(progress + flavour.label);
        PytorchReference.Run ref = replica(spec, config.withSeed(round), flavour);
        reached(
            seconds,
            flavour.label,
            ref.epochs().stream().map(PytorchReference.Epoch::testAcc).toList(),
            ref.epochs().stream().map(PytorchReference.Epoch::wallSeconds).toList(),
            config == ourRecipe ? o.targetRecipeName() : "--config's",
            config.epochs());
      }
    }
    return new ToTarget(seconds.measures(), lastRun);
  }

  /**
   * Adds one run to the target to {@code seconds}: the seconds to the epoch that reached it (NaN
   * when none did), noted with the recipe and that epoch.
   */
  private void reached(
      Tally seconds,
      String who,
      List<Double> testAcc,
      List<Double> wallSeconds,
      String recipeName,
      int epochs) {
    int at = reachedAt(testAcc, o.target(), o.consecutive());
    seconds.add(
        who,
        at < 0 ? Double.NaN : wallSeconds.get(at - 1),
        "recipe "
            + recipeName
            + " ("
            + epochs
            + " epochs): "
            + (at < 0 ? "not reached" : "epoch " + at));
  }

  /** The process's peak resident memory, measured last so that it covers every training. */
  private static Measure peakMemory() {
    return new Measure(
        "peak resident memory of the process",
        MNISTLAB,
        "MiB",
        List.of(residentMiB("VmHWM:")),
        "training included");
  }

  /** The PyTorch flavours measured beside mnistlab: none without the replica. */
  private List<PytorchReference.Flavour> flavours() {
    return o.pytorch() == null ? List.of() : List.of(PytorchReference.Flavour.values());
  }

  private static boolean replicable(TrainConfig recipe) {
    try {
      PytorchReference.checkReplicable(recipe);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A mnistlab training run with the wall-clock time and resident memory after each epoch. */
  private record Timed(RunResult result, List<Double> wallSeconds, List<Double> rssMiB) {
    double rssGrowthMiB() {
      return rssMiB.size() < 2 ? 0 : rssMiB.get(rssMiB.size() - 1) - rssMiB.get(0);
    }
  }

  private Timed train(TrainConfig config, ModelSpec spec, Path dir) {
    long start = System.nanoTime();
    List<Double> wall = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    RunResult result =
        Training.run(
            Recipe.of(config, spec),
            data,
            dir,
            new TrainingObserver() {
              @Override
              public void epochDone(EpochMetrics metrics) {
                wall.add((System.nanoTime() - start) / 1e9);
                if (metrics.epoch() >= 2) {
                  rss.add(residentMiB("VmRSS:"));
                }
              }
            });
    return new Timed(result, wall, rss);
  }

  /**
   * Trains the PyTorch replica and checks that it is the same network: a replica with another
   * trainable-parameter count would make every ratio meaningless.
   */
  private PytorchReference.Run replica(
      ModelSpec spec, TrainConfig config, PytorchReference.Flavour flavour)
      throws IOException, InterruptedException {
    PytorchReference.Run ref =
        o.pytorch()
            .run(spec, config, data.dataset().normalization(), dataDir, flavour, o.threads());
    long ours = ModelSummary.of(spec).trainableParams();
    if (ref.params() != ours) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "the PyTorch replica of %s has %,d trainable parameters, mnistlab's %,d",
              spec.name(),
              ref.params(),
              ours));
    }
    return ref;
  }

  /** The recipe with another model, length, data limit and stopping rule. */
  static TrainConfig with(
      TrainConfig r, String model, int epochs, int limit, TrainConfig.Stop stop) {
    // Scored on the test set with the training normalization, as the replica scores it.
    return r.toBuilder()
        .model(model)
        .epochs(epochs)
        .limit(limit)
        .stop(stop)
        .testNormalization(null)
        .validation(0)
        .build();
  }

  /** The median of the epochs after the first (which pays for warm-up). */
  static double steady(List<Double> perEpoch) {
    List<Double> rest = perEpoch.size() > 1 ? perEpoch.subList(1, perEpoch.size()) : perEpoch;
    double[] sorted = rest.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return sorted[sorted.length / 2];
  }

  /**
   * The first epoch (1-based) that ends {@code consecutive} epochs at or above the target, or -1.
   */
  static int reachedAt(List<Double> testAcc, double target, int consecutive) {
    int streak = 0;
    for (int i = 0; i < testAcc.size(); i++) {
      streak = testAcc.get(i) >= target ? streak + 1 : 0;
      if (streak >= consecutive) {
        return i + 1;
      }
    }
    return -1;
  }

  /** This process's resident memory from Linux's /proc (0 elsewhere), in MiB. */
  static double residentMiB(String field) {
    try {
      Path status = Path.of("/proc/self/status");
      if (!Files.exists(status)) {
        return 0;
      }
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * This CPU's peak single-precision GFLOP/s on {@code threads} cores: clock × FLOP per cycle (two
   * fused multiply-add units of 16 lanes with AVX-512, of 8 with AVX2), from /proc/cpuinfo; NaN
   * when it cannot tell.
   */
  static double peakGflops(int threads) {
    try {
      Path cpuinfo = Path.of("/proc/cpuinfo");
      if (!Files.exists(cpuinfo)) {
        return Double.NaN;
      }
      List<String> lines = Files.readAllLines(cpuinfo);
      double mhz =
          lines.stream()
              .filter(l -> l.startsWith("cpu MHz"))
              .map(l -> Double.parseDouble(l.split(":")[1].trim()))
              .findFirst()
              .orElse(Double.NaN);
      String flags = lines.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
      int flopPerCycle = flags.contains(" avx512f") ? 64 : flags.contains(" fma") ? 32 : 8;
      return mhz / 1000 * flopPerCycle * threads;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
