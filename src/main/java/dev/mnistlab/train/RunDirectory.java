package dev.mnistlab.train;

import ai.djl.Model;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.model.ModelSpecWriter;
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
 *   <li>{@code config.yaml}: the resolved configuration, written first (it marks a run);
 *   <li>{@code model.yaml}: the spec that was built;
 *   <li>{@code checkpoint.bin}: the state after the last complete epoch ({@link Checkpoint});
 *   <li>{@code model-NNNN.params}: the trained weights (DJL's format), once complete;
 *   <li>{@code metrics.json}: what was measured and how the run was made, written last (it marks
 *       the run complete);
 *   <li>{@code model.onnx}: the ONNX export, when {@code mnistlab export} was asked for it.
 * </ul>
 *
 * <p>A multi-seed run ({@code train --seeds}, an experiment's step) is a directory of {@code
 * seed-N} run directories plus {@code consistency.md} and {@code consistency.json}; {@link #runsIn}
 * finds the runs of either kind. Each file is written to a temporary name and renamed, so a reader
 * never sees half a file.
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

  /** Writes the JSON files of runs (indented). */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules();

  /**
   * Reads and writes the YAML files of runs (configurations). Type names are written as maps
   * ({@code - rotation: {degrees: 4}}), not YAML tags ({@code !<rotation>}): configurations are
   * read as trees to merge them, and trees keep no tags.
   */
  public static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .disable(YAMLGenerator.Feature.USE_NATIVE_TYPE_ID))
          // batch_size: 12.7 is a mistake to name, not 12.
          .disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT);

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
    Path file = dev.mnistlab.io.AtomicFiles.fileInTheWay(dir);
    if (file != null) {
      throw new IllegalArgumentException(
          "cannot use " + dir + " as a run directory: " + file + " is a file");
    }
  }

  /**
   * An existing run directory, to resume, evaluate or report on.
   *
   * @throws IllegalArgumentException when it lacks the configuration a run writes first
   */
  public static RunDirectory open(Path dir) {
    if (!Files.isRegularFile(dir.resolve(CONFIG)) || !Files.isRegularFile(dir.resolve(SPEC))) {
      throw new IllegalArgumentException(
          dir + ": not a run directory (no " + CONFIG + " and " + SPEC + ")");
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
      throw new IllegalArgumentException(
          dir
              + ": the run is not complete (no "
              + METRICS
              + "); finish it with `mnistlab train --resume "
              + dir
              + "`");
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

  /** Writes a multi-seed directory's consistency table as Markdown and JSON. */
  public static void writeConsistency(Path base, Consistency consistency) {
    try {
      writeAtomically(base, CONSISTENCY + ".md", consistency.toMarkdown());
      writeAtomically(base, CONSISTENCY + ".json", JSON.writeValueAsString(consistency));
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

  /** The saved configuration. */
  public TrainConfig readConfig() {
    return TrainConfigs.load(dir.resolve(CONFIG));
  }

  /** The saved model spec. */
  public ModelSpec readSpec() {
    return ModelSpecParser.parseFile(dir.resolve(SPEC));
  }

  /**
   * The saved metrics of a complete run.
   *
   * @throws IllegalArgumentException naming the file when it is missing or malformed
   */
  public RunResult readMetrics() {
    Path file = dir.resolve(METRICS);
    try {
      return JSON.readValue(file.toFile(), RunResult.class).in(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read metrics (" + e.getMessage() + ")");
    }
  }

  /**
   * The trained network with the normalization it expects; close it when done.
   *
   * @throws IllegalArgumentException naming the directory when the run is not complete or its
   *     weights are missing or unreadable
   */
  public TrainedModel loadTrained() {
    RunResult metrics = requireComplete().readMetrics();
    if (weightsFile().isEmpty()) {
      throw new IllegalArgumentException(
          dir + ": no trained weights (" + WEIGHTS + "-NNNN.params)");
    }
    return TrainedModel.load(readSpec(), metrics.normalization(), dir, WEIGHTS);
  }

  /** Saves the configuration and the model spec the run is about to use. */
  public void writeConfig(TrainConfig config, ModelSpec spec) {
    try {
      write(CONFIG, YAML.writeValueAsString(config));
      write(SPEC, ModelSpecWriter.toYaml(spec));
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
      write(CONFIG, YAML.writeValueAsString(config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reopen the run in " + dir + " for more epochs", e);
    }
  }

  /** Saves the trained weights as {@code model-NNNN.params}, NNNN the last epoch. */
  public void writeWeights(Model model, int epoch) {
    try {
      model.setProperty("Epoch", Integer.toString(epoch));
      model.save(dir, WEIGHTS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model into " + dir, e);
    }
  }

  /** Saves the measured metrics; written last, it marks the run complete. */
  public void writeMetrics(RunResult result) {
    try {
      write(METRICS, JSON.writeValueAsString(result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics into " + dir, e);
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }

  private void write(String name, String content) throws IOException {
    writeAtomically(dir, name, content);
  }

  private static void writeAtomically(Path dir, String name, String content) throws IOException {
    AtomicFiles.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
  }
}
