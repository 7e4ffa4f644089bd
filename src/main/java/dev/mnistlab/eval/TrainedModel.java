package dev.mnistlab.eval;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.engine.Convolutions;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A trained network ready for inference: its spec, its weights, and the pixel normalization it was
 * trained with. Run directories hand these out ({@code RunDirectory.loadTrained()}); this class
 * knows nothing of a run's files.
 *
 * @param spec what was built
 * @param model the DJL model holding the trained block; close it when done
 * @param normalization what the network expects its pixels normalized with
 */
public record TrainedModel(ModelSpec spec, Model model, Normalization normalization)
    implements AutoCloseable {

  /**
   * Builds {@code spec} and loads the weights DJL saved as {@code dir/prefix-NNNN.params} (the
   * highest epoch).
   *
   * @throws IllegalArgumentException naming the directory when the weights cannot be loaded
   */
  public static TrainedModel load(
      ModelSpec spec, Normalization normalization, Path dir, String prefix) {
    Model model = Model.newInstance(spec.name(), Device.cpu());
    try {
      // Inference from the Java API runs on checked kernels too (once a process; see engine).
      Convolutions.choose();
      model.setBlock(BlockFactory.build(spec));
      model.load(dir, prefix);
      return new TrainedModel(spec, model, normalization);
    } catch (Convolutions.EngineFaultException e) {
      model.close();
      throw e;
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalArgumentException(
          dir + ": cannot load the trained weights (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Runs {@code count} images through the network in inference mode.
   *
   * @param normalized {@code count × C × H × W} pixels, already normalized with {@link
   *     #normalization()}
   * @return per image, the log-probability of each class
   */
  public float[][] logProbabilities(float[] normalized, int count) {
    ModelSpec.Shape3 in = spec.inputShape();
    try (NDManager scope = model.getNDManager().newSubManager()) {
      NDArray x =
          scope.create(normalized, new Shape(count, in.channels(), in.height(), in.width()));
      NDArray outputs =
          model
              .getBlock()
              .forward(new ParameterStore(scope, false), new NDList(x), false)
              .singletonOrThrow();
      float[] flat = spec.logProbabilities(outputs).toFloatArray();
      float[][] rows = new float[count][];
      int classes = flat.length / count;
      for (int i = 0; i < count; i++) {
        rows[i] = java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
      }
      return rows;
    }
  }

  @Override
  public void close() {
    model.close();
  }
}
