package dev.mnistlab.eval;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The network a complete run trained: its spec ({@code model.yaml}) and its weights ({@code
 * model-NNNN.params}), ready for inference.
 *
 * @param spec what was built
 * @param model the DJL model holding the trained block; close it when done
 */
public record TrainedModel(ModelSpec spec, Model model) implements AutoCloseable {
  /** File name prefix of the weights in a run directory ({@code model-NNNN.params}). */
  public static final String WEIGHTS = "model";

  /**
   * Loads a run directory's trained network.
   *
   * @throws IllegalArgumentException naming the directory when the run has no trained weights
   */
  public static TrainedModel load(Path runDir) {
    ModelSpec spec = ModelSpecParser.parseFile(runDir.resolve("model.yaml"));
    boolean hasWeights;
    try (var files = Files.list(runDir)) {
      hasWeights = files.anyMatch(f -> f.getFileName().toString().matches("model-\\d{4}\\.params"));
    } catch (IOException e) {
      throw new IllegalArgumentException(runDir + ": cannot list the run directory (" + e + ")");
    }
    if (!hasWeights) {
      throw new IllegalArgumentException(
          runDir + ": no trained weights (model-NNNN.params); is the run complete?");
    }
    Model model = Model.newInstance(spec.name(), Device.cpu());
    try {
      model.setBlock(BlockFactory.build(spec));
      model.load(runDir, WEIGHTS);
      return new TrainedModel(spec, model);
    } catch (IOException | MalformedModelException e) {
      model.close();
      throw new IllegalArgumentException(
          runDir + ": cannot load the trained weights (" + e.getMessage() + ")", e);
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
