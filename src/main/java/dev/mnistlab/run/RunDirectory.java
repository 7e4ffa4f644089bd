package dev.mnistlab.run;

import ai.djl.Model;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.io.DamagedFileException;
import dev.mnistlab.io.DirectoryLock;
import dev.mnistlab.io.Mappers;
import dev.mnistlab.io.Sha256;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.model.ModelSpecWriter;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run directory, and the only class that knows its files' names:
 *
 * <ul>
 *   <li>{@code model.yaml}: the spec that was built, written first;
 *   <li>{@code config.yaml}: the resolved configuration, written next (it marks a run);
 *   <li>{@code checkpoint.bin}: the state after the last complete epoch ({@code train.Checkpoint});
 *   <li>{@code model-NNNN.params}: the trained weights (DJL's format), once complete;
 *   <li>{@code SHA256SUMS}: the weights' SHA-256, as {@code sha256sum} writes it (so {@code
 *       sha256sum -c SHA256SUMS} checks them too), verified before the weights are loaded;
 *   <li>{@code progress.json}: the epochs so far, rewritten after each ({@link RunProgress}), so a
 *       run can be watched and reported while it trains;
 *   <li>{@code metrics.json}: what was measured and how the run was made, written last (it marks
 *       the run complete);
 *   <li>{@code model.onnx}: the ONNX export, when {@code mnistlab export} was asked for it;
 *   <li>{@code run.lock}: held by the process training the run ({@link #lock}), empty otherwise.
 * </ul>
 *
 * <p>A multi-seed run ({@code train --seeds}, an experiment's step) is a directory of {@code
 * seed-N} run directories plus {@code consistency.md} and {@code consistency.json}; {@link #runsIn}
 * finds the runs of either kind. Each file is written to a temporary name, flushed and renamed
 * ({@link AtomicFiles}), so a reader never sees half a file; temporary files an interrupted write
 * left are removed when the run is next locked.
 */
public final class RunDirectory {
  private static final String CONFIG = "config.yaml";
  private static final String SPEC = "model.yaml";
  private static final String METRICS = "metrics.json";
  private static final String CHECKPOINT = "checkpoint.bin";
  private static final String WEIGHTS = "model";
  private static final Pattern WEIGHTS_FILE = Pattern.compile("model-(\\d{4})\\.params");
  private static final String SEED_PREFIX = "seed-";
  private static final Pattern SEED_DIR = Pattern.compile("seed-(\\d{1,18})");
  private static final String CONSISTENCY = "consistency";
  private static final String ONNX = "model.onnx";
  private static final String INT8_ONNX = "model-int8.onnx";
  private static final String LOCK = "run.lock";
  private static final String SUMS = "SHA256SUMS";
  private static final String PROGRESS = "progress.json";

  private final Path dir;

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  /** Creates the directory (and parents) if needed. */
  public static RunDirectory create(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run directory " + dir, e);
    }
    return new RunDirectory(dir);
  }

  /**
   * Refuses a path that cannot become a run directory (it, or a folder above it, is a file), so
   * that a command can say so before it loads data or builds anything.
   *
   * @throws IllegalArgumentException naming the file in the way
   */
  public static void checkCanHold(Path dir) {
    Path file = AtomicFiles.fileInTheWay(dir);
    if (file != null) {
      throw new UsageException("cannot use " + dir + " as a run directory: " + file + " is a file");
    }
  }

  /**
   * An existing run directory, to resume, evaluate or report on.
   *
   * @throws IllegalArgumentException when it lacks the configuration a run writes first
   */
  public static RunDirectory open(Path dir) {
    if (!Files.isRegularFile(dir.resolve(CONFIG)) || !Files.isRegularFile(dir.resolve(SPEC))) {
      throw new UsageException(dir + ": not a run directory (no " + CONFIG + " and " + SPEC + ")");
    }
    return new RunDirectory(dir);
  }

  /**
   * A complete run, ready to be evaluated or used.
   *
   * @throws IllegalArgumentException naming the directory when it is not a run or not complete
   */
  public static RunDirectory openComplete(Path dir) {
    return open(dir).requireComplete();
  }

  /**
   * This run, when it is complete.
   *
   * @throws IllegalArgumentException naming the directory and how to finish it when it is not
   */
  public RunDirectory requireComplete() {
    if (!isComplete()) {
      throw state().notComplete();
    }
    return this;
  }

  /** Whether {@code dir} holds a run (its configuration is written first). */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  /** The directory of seed {@code seed}'s run inside a multi-seed directory. */
  public static Path seedDir(Path base, long seed) {
    return base.resolve(SEED_PREFIX + seed);
  }

  /**
   * Where a run trained as a separate job ({@code --jobs}) finds its configuration: beside its
   * directory, {@code seed-3.job.yaml} for {@code seed-3}, since the run directory is the job's own
   * to create and lock.
   */
  public static Path jobConfig(Path runDir) {
    return runDir.resolveSibling(runDir.getFileName() + ".job.yaml");
  }

  /** Where a run trained as a separate job writes its output: {@code seed-3.log}. */
  public static Path jobLog(Path runDir) {
    return runDir.resolveSibling(runDir.getFileName() + ".log");
  }

  /**
   * Where a run trained as a separate job records how the job went ({@code seed-3.job.json}: exit
   * status, attempts, seconds, host).
   */
  public static Path jobOutcome(Path runDir) {
    return runDir.resolveSibling(runDir.getFileName() + ".job.json");
  }

  /** Writes {@link #jobConfig} for a run of {@code config}: the whole configuration. */
  public static Path writeJobConfig(Path runDir, TrainConfig config) {
    Path file = jobConfig(runDir);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      AtomicFiles.write(file, TrainConfigs.toYaml(config).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /**
   * The runs {@code dir} holds: itself when it is a run, else its {@code seed-N} runs in seed order
   * (empty when there are none).
   */
  public static List<RunDirectory> runsIn(Path dir) {
    if (exists(dir)) {
      return List.of(open(dir));
    }
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> seeds = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      children
          .filter(d -> SEED_DIR.matcher(d.getFileName().toString()).matches())
          .filter(RunDirectory::exists)
          .forEach(seeds::add);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return seeds.stream()
        .sorted(
            Comparator.comparingLong(
                d -> Long.parseLong(d.getFileName().toString().substring(SEED_PREFIX.length()))))
        .map(RunDirectory::open)
        .toList();
  }

  /** The complete runs among {@link #runsIn}. */
  public static List<RunDirectory> completeRunsIn(Path dir) {
    return runsIn(dir).stream().filter(RunDirectory::isComplete).toList();
  }

  /** Writes a multi-seed directory's consistency table as Markdown and Mappers.JSON. */
  public static void writeConsistency(Path base, Consistency consistency) {
    try {
      writeAtomically(base, CONSISTENCY + ".md", consistency.toMarkdown());
      writeAtomically(base, CONSISTENCY + ".json", Mappers.JSON.writeValueAsString(consistency));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the consistency table into " + base, e);
    }
  }

  /** The directory itself. */
  public Path path() {
    return dir;
  }

  /** Whether the run finished: {@code metrics.json} is written after the last epoch. */
  public boolean isComplete() {
    return Files.isRegularFile(dir.resolve(METRICS));
  }

  /**
   * Takes this run for the calling process: a second process training the same directory is
   * refused, naming the owner. Release it (close) when the training ends.
   *
   * @throws DirectoryLock.HeldException when another process, or another training in this one,
   *     holds the run
   */
  public DirectoryLock lock() {
    return DirectoryLock.acquire(dir.resolve(LOCK), "run directory " + dir);
  }

  /**
   * Removes the temporary files an interrupted write left here; call it while holding {@link
   * #lock}.
   *
   * @return what was removed
   */
  public List<Path> removeLeftovers() {
    return AtomicFiles.removeLeftovers(dir);
  }

  /** The file holding the state after the last complete epoch. */
  public Path checkpointFile() {
    return dir.resolve(CHECKPOINT);
  }

  /** Whether an epoch has been checkpointed. */
  public boolean hasCheckpoint() {
    return Files.exists(checkpointFile());
  }

  /** The trained weights file, when the run saved one (the highest epoch). */
  public Optional<Path> weightsFile() {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> WEIGHTS_FILE.matcher(f.getFileName().toString()).matches())
          .max(Comparator.comparing(f -> f.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the run directory " + dir, e);
    }
  }

  /** Where {@code mnistlab export} puts the model by default: {@code model.onnx}. */
  public Path onnxFile() {
    return dir.resolve(ONNX);
  }

  /** Where {@code mnistlab export --int8} puts the quantized model: {@code model-int8.onnx}. */
  public Path int8OnnxFile() {
    return dir.resolve(INT8_ONNX);
  }

  /** The saved configuration. */
  public TrainConfig readConfig() {
    return TrainConfigs.load(dir.resolve(CONFIG));
  }

  /** The saved model spec. */
  public ModelSpec readSpec() {
    return ModelSpecParser.parseFile(dir.resolve(SPEC));
  }

  /**
   * The saved recipe: {@code config.yaml} and {@code model.yaml}, the network as it was trained
   * (whatever its spec file holds now).
   *
   * @throws IllegalArgumentException naming the file when the configuration is not valid
   */
  public Recipe readRecipe() {
    return Recipe.of(readConfig(), readSpec());
  }

  /**
   * The saved metrics of a complete run.
   *
   * @throws IllegalArgumentException naming the file when it is missing or malformed
   */
  public RunResult readMetrics() {
    return state().readMetrics();
  }

  /**
   * The trained network with the normalization it expects; close it when done.
   *
   * @throws IllegalArgumentException naming the directory when the run is not complete or its
   *     weights are missing or unreadable
   */
  public TrainedModel loadTrained() {
    // A misspelt MNISTLAB_INFERENCE is the user's setting, not a damaged weights file.
    TrainedModel.inferenceRequested();
    RunResult metrics = requireComplete().readMetrics();
    Path weights =
        weightsFile()
            .orElseThrow(
                () ->
                    new UsageException(dir + ": no trained weights (" + WEIGHTS + "-NNNN.params)"));
    verifyWeights(weights);
    ModelSpec spec = readSpec();
    try {
      return TrainedModel.load(spec, metrics.normalization(), dir, WEIGHTS);
    } catch (IllegalArgumentException e) {
      throw new DamagedFileException(
          weights,
          "cannot be loaded as the weights of "
              + spec.name()
              + " ("
              + Reasons.of(e.getCause() != null ? e.getCause() : e, "unreadable")
              + ")",
          e);
    }
  }

  /**
   * Checks the weights against the SHA-256 recorded when they were saved. Runs made before mnistlab
   * recorded one have no {@code SHA256SUMS}; their weights are loaded as they are.
   *
   * @throws DamagedFileException naming the file when they do not match or are not listed
   */
  public void verifyWeights(Path weights) {
    Path sums = dir.resolve(SUMS);
    if (Files.exists(sums)) {
      WeightSums.verify(sums, weights);
    }
  }

  /** Saves the recipe the run is about to train: {@code model.yaml}, then {@code config.yaml}. */
  public void writeRecipe(Recipe recipe) {
    TrainConfig config = recipe.config();
    ModelSpec spec = recipe.spec();
    try {
      // The spec first: config.yaml marks a run, and a run is opened with both (a crash between
      // the two writes must not leave a config.yaml without its model.yaml).
      write(SPEC, ModelSpecWriter.toYaml(spec));
      write(CONFIG, TrainConfigs.toYaml(config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the configuration into " + dir, e);
    }
  }

  /**
   * Makes this complete run an interrupted run of {@code config}, which asks for more epochs, so
   * that resuming it trains them from the last checkpoint. The completion marker goes first: a
   * crash in between leaves a run that resumes (and finishes at once) rather than one that looks
   * complete under the new configuration.
   */
  public void extend(TrainConfig config) {
    try {
      Files.deleteIfExists(dir.resolve(METRICS));
      Optional<Path> weights = weightsFile();
      if (weights.isPresent()) {
        Files.delete(weights.get());
      }
      Files.deleteIfExists(dir.resolve(SUMS));
      write(CONFIG, TrainConfigs.toYaml(config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reopen the run in " + dir + " for more epochs", e);
    }
  }

  /**
   * Saves the trained weights as {@code model-NNNN.params}, NNNN the last epoch, and their SHA-256
   * in {@code SHA256SUMS}. DJL writes the file itself, so it writes into a temporary folder whose
   * file is then moved into place as {@link AtomicFiles} does.
   */
  public void writeWeights(Model model, int epoch) {
    Path saving = dir.resolve("weights" + AtomicFiles.TEMPORARY_SUFFIX);
    try {
      AtomicFiles.deleteTree(saving);
      Files.createDirectory(saving);
      model.setProperty("Epoch", Integer.toString(epoch));
      model.save(saving, WEIGHTS);
      Path saved;
      try (Stream<Path> files = Files.list(saving)) {
        saved =
            files
                .filter(f -> WEIGHTS_FILE.matcher(f.getFileName().toString()).matches())
                .findFirst()
                .orElseThrow(() -> new IOException("DJL saved no " + WEIGHTS + "-NNNN.params"));
      }
      Path target = dir.resolve(saved.getFileName());
      String sha = Sha256.hexOf(saved);
      AtomicFiles.moveIntoPlace(saved, target);
      write(SUMS, WeightSums.manifest(sha, target));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model into " + dir, e);
    } finally {
      try {
        AtomicFiles.deleteTree(saving);
      } catch (IOException ignored) {
        // Removed when the run is next locked.
      }
    }
  }

  /**
   * Saves the run's progress after an epoch (or as it starts or fails); see {@link RunProgress}.
   */
  public void writeProgress(RunProgress progress) {
    try {
      write(PROGRESS, Mappers.JSON.writeValueAsString(progress));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the progress into " + dir, e);
    }
  }

  /**
   * The run's progress, when it saved one (runs trained before mnistlab wrote it did not).
   *
   * @throws DamagedFileException naming the file when it is too large or not a progress file
   */
  public Optional<RunProgress> readProgress() {
    return state().readProgress();
  }

  /**
   * What the run measured so far: its metrics when complete, else the epochs its progress holds
   * (with no engine, machine or provenance, which are recorded when it completes).
   *
   * @throws UsageException when it has not finished an epoch, or saved no progress
   * @throws DamagedFileException when its progress or metrics cannot be read
   */
  public RunResult readResultSoFar() {
    return state().resultSoFar();
  }

  /**
   * Where the run stands ({@link RunStatus}), read from its files without touching its lock.
   *
   * @throws DamagedFileException when its progress or metrics cannot be read
   */
  public RunStatus status() {
    return state().status();
  }

  /** Saves the measured metrics; written last, it marks the run complete. */
  public void writeMetrics(RunResult result) {
    try {
      write(METRICS, Mappers.JSON.writeValueAsString(result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics into " + dir, e);
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }

  private RunState state() {
    return new RunState(this, dir.resolve(PROGRESS), dir.resolve(METRICS), dir.resolve(LOCK));
  }

  private void write(String name, String content) throws IOException {
    writeAtomically(dir, name, content);
  }

  private static void writeAtomically(Path dir, String name, String content) throws IOException {
    AtomicFiles.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
  }
}
