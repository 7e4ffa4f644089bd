package dev.mnistlab.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.mnistlab.export.OnnxExporter;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.text.Reasons;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * A trained network's exported ONNX model, run by ONNX Runtime: the inference path of {@code
 * evaluate}, {@code predict}, the Java API and {@code serve}. On these small networks it answers 2
 * (batches) to 8 (one image) times faster than the training engine, whose kernels are tuned for
 * training's large batches (docs/BENCHMARKS.md). {@link TrainedModel} checks it against the
 * training engine before using it.
 *
 * <p>Thread safety: ONNX Runtime allows concurrent {@link #logProbabilities} calls on one session;
 * {@link #close()} must not overlap them (the caller's lock sees to it).
 */
final class OnnxInference implements AutoCloseable {
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final ModelSpec.Shape3 input;

  private OnnxInference(OrtEnvironment environment, OrtSession session, ModelSpec.Shape3 input) {
    this.environment = environment;
    this.session = session;
    this.input = input;
  }

  /**
   * Opens a session on an exported model.
   *
   * @param model the bytes of an {@link OnnxExporter} model
   * @param threads the session's intra-op threads, as many as the training engine runs
   * @throws IllegalStateException when ONNX Runtime cannot load or refuses the model
   */
  static OnnxInference open(byte[] model, ModelSpec.Shape3 input, int threads) {
    // The native library loads with the first class used; where it cannot (no library for this
    // platform, a temporary directory mounted noexec) that is a LinkageError, not an exception.
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      options.setIntraOpNumThreads(Math.max(1, threads));
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      // Folds each BatchNorm into its convolution and fuses Conv+ReLU: the inference graph a
      // training engine never builds.
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      return new OnnxInference(environment, environment.createSession(model, options), input);
    } catch (OrtException | RuntimeException | LinkageError e) {
      throw new IllegalStateException(
          "ONNX Runtime cannot run the model: " + Reasons.of(e, "no reason given"), e);
    }
  }

  /** ONNX Runtime's version, e.g. {@code 1.22.0}. */
  String version() {
    return environment.getVersion();
  }

  /**
   * Log-probabilities of {@code count} images.
   *
   * @param unitPixels {@code count × C × H × W} pixels in [0, 1] (the model normalizes them)
   * @return {@code count × 10} log-probabilities, image after image
   */
  float[] logProbabilities(float[] unitPixels, int count) {
    long[] shape = {count, input.channels(), input.height(), input.width()};
    try (OnnxTensor pixels =
            OnnxTensor.createTensor(environment, FloatBuffer.wrap(unitPixels), shape);
        OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, pixels))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] flat = new float[out.remaining()];
      out.get(flat);
      return flat;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of " + count, e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the ONNX Runtime session", e);
    }
  }
}
