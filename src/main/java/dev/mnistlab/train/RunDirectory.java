package dev.mnistlab.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The files of one run: {@code config.yaml} (the resolved configuration), {@code model.yaml} (the
 * spec that was built), {@code metrics.json} and {@code model-NNNN.params} (the trained weights).
 * Each file is written to a temporary name and renamed, so a reader never sees half a file.
 */
public final class RunDirectory {
  /** File name prefix DJL uses for the saved parameters. */
  public static final String MODEL_NAME = "model";

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

  /** Saves the configuration and the model spec the run is about to use. */
  public void writeConfig(TrainConfig config, ModelSpec spec) {
    try {
      write("config.yaml", YAML.writeValueAsString(config));
      write("model.yaml", ModelSpecWriter.toYaml(spec));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the configuration into " + dir, e);
    }
  }

  /** Saves the measured metrics. */
  public void writeMetrics(RunResult result) {
    try {
      write("metrics.json", JSON.writeValueAsString(result));
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
