package dev.mnistlab;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.data.DigitPreprocessor;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.model.ModelSummary;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.text.UsageException;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A trained mnistlab model as a Java object: load a complete run directory, classify pictures of
 * digits or 28×28 pixel arrays.
 *
 * <pre>{@code
 * try (DigitClassifier classifier = DigitClassifier.load(Path.of("runs/my-run"))) {
 *   DigitClassifier.Prediction p = classifier.predict(ImageIO.read(new File("digit.png")));
 *   System.out.println(p.digit() + " with probability " + p.probability());
 * }
 * }</pre>
 *
 * <p>Pictures are preprocessed as MNIST was made ({@link DigitPreprocessor}: grey, inverted when
 * the ink is dark on light paper, cropped, scaled to 20 px, centred by mass in 28×28); pixel arrays
 * are taken as they are. Both are then normalized with the normalization the run trained with.
 *
 * <p>The network runs in ONNX Runtime, checked on load against the training engine, or in the
 * training engine where the check fails ({@link #inference()} says which).
 *
 * <p>Thread safety: one instance may be shared by any number of threads. With ONNX Runtime their
 * calls run side by side (sharing one pool of as many threads as the engine was started with); on
 * the training engine they run one at a time. For throughput, give {@link #predictBatch} many
 * images at once. {@link #close()} waits for calls in progress and releases the native memory;
 * later calls throw {@link IllegalStateException}.
 */
public final class DigitClassifier implements AutoCloseable {
  /** Pixels of the 28×28 images networks take. */
  public static final int PIXELS = DigitPreprocessor.SIZE * DigitPreprocessor.SIZE;

  /** Most images one {@link #predictBatch} call takes. */
  public static final int MAX_BATCH = 10_000;

  private final TrainedModel trained;
  private final ModelCard card;
  private volatile boolean closed;

  /**
   * What a user of a trained model wants to know about it.
   *
   * @param name the model's name (zoo name or spec name)
   * @param trainableParams PyTorch's count of trainable parameters
   * @param testAccuracy the last epoch's test accuracy in percent, as the run recorded it
   * @param receptiveField the final receptive field in pixels
   * @param dataset the dataset it was trained on
   * @param trained when training finished (ISO-8601), or null for runs that did not record it
   * @param normalization what the network expects its pixels normalized with
   * @param runDir where it was loaded from
   */
  public record ModelCard(
      String name,
      @JsonProperty("trainable_params") long trainableParams,
      @JsonProperty("test_accuracy") double testAccuracy,
      @JsonProperty("receptive_field") int receptiveField,
      String dataset,
      String trained,
      Normalization normalization,
      @JsonProperty("run") String runDir) {
    /**
     * One line for a person: {@code mnistlab/compact: 7,900 trainable parameters, 99.48% test
     * accuracy on mnist, receptive field 32 px (run runs/a, trained 2026-12-07T10:00:00Z)}.
     */
    @Override
    public String toString() {
      return String.format(
          java.util.Locale.ROOT,
          "%s: %,d trainable parameters, %.2f%% test accuracy on %s, receptive field %d px (run %s,"
              + " trained %s)",
          name,
          trainableParams,
          testAccuracy,
          dataset,
          receptiveField,
          runDir,
          trained);
    }
  }

  /**
   * A digit and how probable the network finds it.
   *
   * @param digit 0 to 9
   * @param probability in [0, 1]
   */
  public record Guess(int digit, float probability) {
    /** {@code 7 (98.1%)}. */
    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%d (%.1f%%)", digit, 100 * probability);
    }
  }

  /**
   * One answer.
   *
   * @param digit the most probable class
   * @param probabilities the 10 class probabilities, summing to 1
   * @param input the 28×28 image (pixels in [0, 1], row-major) the network saw, before
   *     normalization
   */
  public record Prediction(int digit, float[] probabilities, float[] input) {
    /** The probability of {@link #digit()}. */
    public float probability() {
      return probabilities[digit];
    }

    /** The {@code k} most probable digits with their probabilities, most probable first. */
    public List<Guess> top(int k) {
      return IntStream.range(0, probabilities.length)
          .boxed()
          .sorted(
              Comparator.comparingDouble((Integer d) -> -probabilities[d]).thenComparing(d -> d))
          .limit(k)
          .map(d -> new Guess(d, probabilities[d]))
          .toList();
    }

    /** True when the picture held no ink: the answer means nothing. */
    public boolean blank() {
      for (float v : input) {
        if (v != 0) {
          return false;
        }
      }
      return true;
    }
  }

  private DigitClassifier(TrainedModel trained, ModelCard card) {
    this.trained = trained;
    this.card = card;
  }

  /**
   * Loads the trained model of a complete run directory (starting the engine if needed).
   *
   * @throws IllegalArgumentException naming the directory when it is not a complete run with
   *     weights
   */
  public static DigitClassifier load(Path runDir) {
    Engines.start(0);
    RunDirectory run = RunDirectory.openComplete(runDir);
    RunResult metrics = run.readMetrics();
    TrainedModel trained = run.loadTrained();
    try {
      trained.inference(); // checks ONNX Runtime now, not on the first prediction
      ModelCard card =
          new ModelCard(
              metrics.model(),
              metrics.trainableParams(),
              metrics.last().testAcc(),
              ModelSummary.of(trained.spec()).receptiveField(),
              metrics.dataset(),
              metrics.provenance() == null ? null : metrics.provenance().finished(),
              trained.normalization(),
              runDir.toString());
      return new DigitClassifier(trained, card);
    } catch (RuntimeException e) {
      trained.close();
      throw e;
    }
  }

  /**
   * Which engine runs the network, e.g. {@code "ONNX Runtime 1.22.0 (checked against the training
   * engine)"}.
   */
  public String inference() {
    return trained.inference();
  }

  /** Name, size, accuracy and origin of the loaded model. */
  public ModelCard card() {
    return card;
  }

  /** Classifies a picture of one digit, of any size, colour or grey. */
  public Prediction predict(BufferedImage image) {
    return predictImages(List.of(image)).get(0);
  }

  /**
   * Classifies a 28×28 image in MNIST's layout: row-major, white ink (1) on black (0).
   *
   * @throws IllegalArgumentException when there are not 784 values or one is not in [0, 1]
   */
  public Prediction predict(float[] pixels28x28) {
    return predictBatch(List.of(pixels28x28)).get(0);
  }

  /** Classifies pictures in one batch; see {@link #predict(BufferedImage)}. */
  public List<Prediction> predictImages(List<BufferedImage> images) {
    List<float[]> pixels = new ArrayList<>(images.size());
    for (BufferedImage image : images) {
      pixels.add(DigitPreprocessor.preprocess(image).pixels());
    }
    return predictBatch(pixels);
  }

  /**
   * Classifies 28×28 images in one batch; see {@link #predict(float[])}.
   *
   * @throws IllegalArgumentException naming the image and value when one is malformed, or when
   *     there are more than {@link #MAX_BATCH}
   */
  public List<Prediction> predictBatch(List<float[]> images) {
    if (images.size() > MAX_BATCH) {
      throw new UsageException("at most " + MAX_BATCH + " images per batch, got " + images.size());
    }
    if (images.isEmpty()) {
      return List.of();
    }
    float[] batch = new float[images.size() * PIXELS];
    for (int i = 0; i < images.size(); i++) {
      float[] image = images.get(i);
      check(image, i, images.size());
      System.arraycopy(image, 0, batch, i * PIXELS, PIXELS);
    }
    float[][] logProbs;
    try {
      logProbs = trained.logProbabilities(batch, images.size());
    } catch (IllegalStateException e) {
      // The trained model refuses once closed; say so in this class's words.
      throw closed ? new IllegalStateException("this DigitClassifier is closed", e) : e;
    }
    List<Prediction> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      float[] probabilities = new float[logProbs[i].length];
      int best = 0;
      for (int c = 0; c < probabilities.length; c++) {
        probabilities[c] = (float) Math.exp(logProbs[i][c]);
        if (logProbs[i][c] > logProbs[i][best]) {
          best = c;
        }
      }
      out.add(new Prediction(best, probabilities, images.get(i).clone()));
    }
    return out;
  }

  private static void check(float[] image, int index, int count) {
    String which = count == 1 ? "" : "image " + index + ": ";
    if (image == null || image.length != PIXELS) {
      throw new UsageException(
          which
              + "expected "
              + PIXELS
              + " pixels (28×28), got "
              + (image == null ? "none" : image.length));
    }
    for (int p = 0; p < PIXELS; p++) {
      if (!(image[p] >= 0 && image[p] <= 1)) {
        throw new UsageException(
            which + "pixel " + p + " is " + image[p] + "; pixels must be in [0, 1]");
      }
    }
  }

  /** Releases the model's native memory. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      trained.close();
    }
  }
}
