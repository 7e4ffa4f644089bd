package dev.mnistlab.eval;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.engine.Convolutions;
import dev.mnistlab.export.InferenceNet;
import dev.mnistlab.export.OnnxExporter;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.text.Reasons;
import dev.mnistlab.text.UsageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trained network ready for inference: its spec, its weights, and the pixel normalization it was
 * trained with. Run directories hand these out ({@code RunDirectory.loadTrained()}); this class
 * knows nothing of a run's files.
 *
 * <p>Inference runs the network's exported ONNX model in ONNX Runtime, which is several times
 * faster than the training engine on small batches, but only once it has answered a check batch as
 * the training engine does (whose convolutions passed the engine self-check): a kernel is trusted
 * only where a check says so. Where ONNX Runtime cannot load, or disagrees, or {@code
 * MNISTLAB_INFERENCE=engine} asks for it, the training engine answers; {@link #inference()} says
 * which. The choice is made on the first call.
 *
 * <p>Thread safety: any number of threads may call {@link #logProbabilities} at once (ONNX Runtime
 * runs them side by side; the training engine one at a time); {@link #close()} waits for them.
 */
public final class TrainedModel implements AutoCloseable {
  /** Environment variable (or system property {@code mnistlab.inference}) choosing the engine. */
  public static final String INFERENCE_VARIABLE = "MNISTLAB_INFERENCE";

  private static final Logger LOG = LoggerFactory.getLogger(TrainedModel.class);
  private static final int CHECK_BATCH = 1000;

  /** Largest difference of a log-probability from the training engine's, relative to 1 + |it|. */
  static final double TOLERANCE = 1e-3;

  private final ModelSpec spec;
  private final Model model;
  private final Normalization normalization;
  private final ReadWriteLock lifetime = new ReentrantReadWriteLock();
  private final Object engineLock = new Object();
  private final Object choiceLock = new Object();
  private boolean chosen;
  private boolean closed;
  private OnnxInference onnx; // null: the training engine answers
  private String inference;

  /**
   * A model whose block is built and holds its weights; this object owns and closes it.
   *
   * @param spec what was built
   * @param model the DJL model holding the trained block
   * @param normalization what the network expects its pixels normalized with
   */
  public TrainedModel(ModelSpec spec, Model model, Normalization normalization) {
    this.spec = spec;
    this.model = model;
    this.normalization = normalization;
  }

  /**
   * Builds {@code spec} and loads the weights DJL saved as {@code dir/prefix-NNNN.params} (the
   * highest epoch).
   *
   * @throws IllegalArgumentException naming the directory when the weights cannot be loaded, or
   *     naming the value when {@value #INFERENCE_VARIABLE} names no engine
   */
  public static TrainedModel load(
      ModelSpec spec, Normalization normalization, Path dir, String prefix) {
    inferenceRequested(); // a misspelt MNISTLAB_INFERENCE fails here, before any work
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
      throw new UsageException(
          dir + ": cannot load the trained weights (" + e.getMessage() + ")", e);
    }
  }

  /** What was built. */
  public ModelSpec spec() {
    return spec;
  }

  /** The DJL model holding the trained block. */
  public Model model() {
    return model;
  }

  /** What the network expects its pixels normalized with. */
  public Normalization normalization() {
    return normalization;
  }

  /**
   * The network as a standard ONNX model, as {@code export} writes it and inference runs it.
   *
   * @param metadata extra key/value pairs for the model's metadata
   */
  public OnnxMl.ModelProto toOnnx(Map<String, String> metadata) {
    return OnnxExporter.export(spec, model.getBlock(), normalization, metadata);
  }

  /**
   * The network as inference operations (BatchNorm folded), for the int8 and C exporters.
   *
   * @throws UnsupportedOperationException naming a layer the exporters cannot express
   */
  public InferenceNet toInferenceNet() {
    return InferenceNet.of(spec, model.getBlock(), normalization);
  }

  /**
   * Runs {@code count} images through the network in inference mode.
   *
   * @param unitPixels {@code count × C × H × W} pixels in [0, 1], white ink on black; the
   *     normalization is applied here
   * @return per image, the log-probability of each class
   */
  public float[][] logProbabilities(float[] unitPixels, int count) {
    checkBatch(unitPixels, count);
    lifetime.readLock().lock();
    try {
      checkOpen();
      OnnxInference session = onnxOrNull();
      return session != null
          ? rows(session.logProbabilities(unitPixels, count), count)
          : engineForward(unitPixels, count);
    } finally {
      lifetime.readLock().unlock();
    }
  }

  /**
   * The training engine's answer, whatever {@link #inference()} chose: the reference inference is
   * checked against.
   *
   * @param unitPixels as for {@link #logProbabilities}
   */
  public float[][] engineLogProbabilities(float[] unitPixels, int count) {
    checkBatch(unitPixels, count);
    lifetime.readLock().lock();
    try {
      checkOpen();
      return engineForward(unitPixels, count);
    } finally {
      lifetime.readLock().unlock();
    }
  }

  private float[][] engineForward(float[] unitPixels, int count) {
    ModelSpec.Shape3 in = spec.inputShape();
    float[] normalized = new float[unitPixels.length];
    for (int i = 0; i < normalized.length; i++) {
      normalized[i] = normalization.apply(unitPixels[i]);
    }
    // DJL's blocks keep per-call state; one forward pass at a time.
    synchronized (engineLock) {
      try (NDManager scope = model.getNDManager().newSubManager()) {
        NDArray x =
            scope.create(normalized, new Shape(count, in.channels(), in.height(), in.width()));
        NDArray outputs =
            model
                .getBlock()
                .forward(new ParameterStore(scope, false), new NDList(x), false)
                .singletonOrThrow();
        return rows(spec.logProbabilities(outputs).toFloatArray(), count);
      }
    }
  }

  private void checkBatch(float[] unitPixels, int count) {
    ModelSpec.Shape3 in = spec.inputShape();
    long expected = (long) count * in.channels() * in.height() * in.width();
    if (count < 1) {
      throw new UsageException("a batch needs at least 1 image, got " + count);
    }
    if (unitPixels.length != expected) {
      throw new UsageException(
          "a batch of "
              + count
              + " needs "
              + expected
              + " pixels ("
              + in.channels()
              + "×"
              + in.height()
              + "×"
              + in.width()
              + " each), got "
              + unitPixels.length);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this trained model is closed");
    }
  }

  /**
   * Which engine answers {@link #logProbabilities} and why, e.g. {@code "ONNX Runtime 1.22.0
   * (checked against the training engine)"}; chooses it if no call did yet.
   */
  public String inference() {
    lifetime.readLock().lock();
    try {
      checkOpen();
      onnxOrNull();
      return inference;
    } finally {
      lifetime.readLock().unlock();
    }
  }

  private OnnxInference onnxOrNull() {
    synchronized (choiceLock) {
      if (!chosen) {
        try {
          choose();
        } finally {
          chosen = true; // whatever happened, this model does not try again
        }
      }
      return onnx;
    }
  }

  private void choose() {
    String requested = inferenceRequested();
    if (requested.equals("engine")) {
      inference = "the training engine (" + INFERENCE_VARIABLE + "=engine)";
      return;
    }
    OnnxInference session;
    try {
      session =
          OnnxInference.open(
              toOnnx(Map.of()).toByteArray(), spec.inputShape(), JniUtils.getNumThreads());
    } catch (IllegalStateException e) {
      fallBack(e.getMessage());
      return;
    }
    String disagreement;
    try {
      disagreement = disagreement(session);
    } catch (RuntimeException | LinkageError e) {
      disagreement = "failed on a check batch: " + Reasons.of(e, "no reason given");
    }
    if (disagreement == null) {
      onnx = session;
      inference = "ONNX Runtime " + session.version() + " (checked against the training engine)";
    } else {
      session.close();
      fallBack("ONNX Runtime " + session.version() + " " + disagreement);
    }
  }

  private void fallBack(String why) {
    inference = "the training engine (" + why + ")";
    LOG.warn("inference runs on the training engine: {}", why);
  }

  /**
   * Runs a single image and a batch of {@value #CHECK_BATCH} (as {@link Evaluator} sends them;
   * kernels may differ by batch size) of fixed random pixels through both engines; null when every
   * log-probability agrees.
   */
  private String disagreement(OnnxInference session) {
    int size =
        spec.inputShape().channels() * spec.inputShape().height() * spec.inputShape().width();
    Random random = new Random(20_261_207);
    boolean simulate = "disagree".equals(System.getProperty("mnistlab.inference.simulate"));
    for (int count : new int[] {1, CHECK_BATCH}) {
      float[] pixels = new float[count * size];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = random.nextFloat();
      }
      float[] ours;
      ours = session.logProbabilities(pixels, count);
      if (simulate) {
        ours[ours.length - 1] += 1;
      }
      float[] reference = flat(engineForward(pixels, count));
      double worst = worstError(ours, reference);
      if (!(worst <= TOLERANCE)) {
        return String.format(
            Locale.ROOT,
            "disagreed with the training engine on a check batch of %d: error %.2g, allowed %.0e",
            count,
            worst,
            TOLERANCE);
      }
    }
    return null;
  }

  /** Largest |a - b| / (1 + |b|); NaN when either holds a NaN or the lengths differ. */
  static double worstError(float[] actual, float[] reference) {
    if (actual.length != reference.length) {
      return Double.NaN;
    }
    double worst = 0;
    for (int i = 0; i < actual.length; i++) {
      double error = Math.abs((double) actual[i] - reference[i]) / (1 + Math.abs(reference[i]));
      if (Double.isNaN(error)) {
        return Double.NaN;
      }
      worst = Math.max(worst, error);
    }
    return worst;
  }

  /**
   * The engine {@value #INFERENCE_VARIABLE} asks for: {@code onnxruntime} (the default) or {@code
   * engine}.
   *
   * @throws IllegalArgumentException naming the value when it names neither
   */
  public static String inferenceRequested() {
    String value = System.getProperty("mnistlab.inference", System.getenv(INFERENCE_VARIABLE));
    String name = value == null || value.isBlank() ? "onnxruntime" : value.strip();
    name = name.toLowerCase(Locale.ROOT);
    if (!name.equals("onnxruntime") && !name.equals("engine")) {
      throw new UsageException(
          INFERENCE_VARIABLE + "=" + value + ": expected onnxruntime or engine");
    }
    return name;
  }

  private static float[][] rows(float[] flat, int count) {
    float[][] rows = new float[count][];
    int classes = flat.length / count;
    for (int i = 0; i < count; i++) {
      rows[i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
    }
    return rows;
  }

  private static float[] flat(float[][] rows) {
    float[] flat = new float[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[i].length, rows[i].length);
    }
    return flat;
  }

  @Override
  public void close() {
    lifetime.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        try {
          if (onnx != null) {
            onnx.close();
          }
        } finally {
          model.close();
        }
      }
    } finally {
      lifetime.writeLock().unlock();
    }
  }
}
