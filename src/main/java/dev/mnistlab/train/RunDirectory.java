package dev.mnistlab.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.model.ModelSpecWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The files of one run: {@code config.yaml} (the resolved configuration), {@code model.yaml} (the
 * spec that was built), {@code checkpoint.bin} (state after the last complete epoch), and once the
 * run is complete {@code model-NNNN.params} (the trained weights) and {@code metrics.json}. Each
 * file is written to a temporary name and renamed, so a reader never sees half a file.
 */
public final class RunDirectory {
  private static final String CONFIG = "config.yaml";
  private static final String SPEC = "model.yaml";
  private static final String METRICS = "metrics.json";

  /** Writes the JSON files of runs (indented). */
  public static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules();

  /** Reads and writes the YAML files of runs (configurations). */
  public static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

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
   * An existing run directory, to resume or report on.
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

  /** Whether {@code dir} holds a run (its configuration is written first). */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  /** Whether the run finished: {@code metrics.json} is written after the last epoch. */
  public boolean isComplete() {
    return Files.isRegularFile(dir.resolve(METRICS));
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
      RunResult saved = JSON.readValue(file.toFile(), RunResult.class);
      return new RunResult(
          saved.model(),
          saved.dataset(),
          saved.trainableParams(),
          saved.nonTrainableParams(),
          saved.seed(),
          saved.trainImages(),
          saved.engine(),
          saved.machine(),
          dir,
          saved.epochs());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read metrics (" + e.getMessage() + ")");
    }
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

  /** Saves the measured metrics. */
  public void writeMetrics(RunResult result) {
    try {
      write(METRICS, JSON.writeValueAsString(result));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write metrics into " + dir, e);
    }
  }

  private void write(String name, String content) throws IOException {
    Path tmp = Files.createTempFile(dir, name, ".tmp");
    Files.writeString(tmp, content);
    Files.move(
        tmp,
        dir.resolve(name),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }
}
