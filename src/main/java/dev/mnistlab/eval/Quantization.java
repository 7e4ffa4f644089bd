package dev.mnistlab.eval;

import ai.onnx.proto.OnnxMl;
import dev.mnistlab.data.Split;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.export.InferenceNet;
import dev.mnistlab.export.Int8Net;
import dev.mnistlab.export.QdqExporter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A trained network quantized to int8 after training, and what it costs: the sizes of the float and
 * the int8 ONNX models, and their test accuracy and agreement, both measured in ONNX Runtime on
 * every test image.
 *
 * @param int8Model the QDQ ONNX model
 * @param floatBytes bytes of the float ONNX model ({@code export}'s)
 * @param int8Bytes bytes of the int8 model
 * @param calibrationImages training images the ranges were calibrated on
 * @param testImages test images scored
 * @param floatAccuracy the float model's test accuracy, percent
 * @param int8Accuracy the int8 model's, percent
 * @param sameClass test images both models put in the same class
 */
public record Quantization(
    OnnxMl.ModelProto int8Model,
    long floatBytes,
    long int8Bytes,
    int calibrationImages,
    int testImages,
    double floatAccuracy,
    double int8Accuracy,
    int sameClass) {

  /**
   * Quantizes {@code trained} with the ranges its layers see on the first {@code images} images of
   * {@code train}, then scores both models on {@code test}.
   */
  public static Quantization of(
      TrainedModel trained, Split train, Split test, int images, Map<String, String> metadata) {
    InferenceNet net = trained.toInferenceNet();
    Int8Net int8 = Int8Net.calibrate(net, train.unitImages(0, images));
    Map<String, String> described = new LinkedHashMap<>(metadata);
    described.put(
        "quantization",
        "int8 weights per output channel (symmetric), uint8 activations per tensor, calibrated on"
            + " the first "
            + images
            + " training images");
    OnnxMl.ModelProto model = QdqExporter.export(int8, described);
    byte[] floatModel = trained.toOnnx(metadata).toByteArray();
    byte[] int8Model = model.toByteArray();
    int threads = Math.max(1, Engines.threads());
    Evaluator.Predictions f =
        Evaluator.predictOnnx(floatModel, trained.spec().inputShape(), test, threads);
    Evaluator.Predictions q =
        Evaluator.predictOnnx(int8Model, trained.spec().inputShape(), test, threads);
    int same = 0;
    for (int i = 0; i < f.predicted().length; i++) {
      same += f.predicted()[i] == q.predicted()[i] ? 1 : 0;
    }
    return new Quantization(
        model,
        floatModel.length,
        int8Model.length,
        images,
        test.count(),
        f.accuracy(),
        q.accuracy(),
        same);
  }

  /** What {@code export --int8} prints. */
  public String toText(Path file) {
    return String.format(
        Locale.ROOT,
        "wrote %s (int8 QDQ ONNX, opset 13): %,d bytes, float model %,d bytes (%.1f× smaller)%n"
            + "calibrated on the first %,d training images%n"
            + "test accuracy over %,d images (ONNX Runtime): float %.2f%%, int8 %.2f%% (%+.2f"
            + " points); same class for %,d of %,d%n",
        file,
        int8Bytes,
        floatBytes,
        (double) floatBytes / int8Bytes,
        calibrationImages,
        testImages,
        floatAccuracy,
        int8Accuracy,
        int8Accuracy - floatAccuracy,
        sameClass,
        testImages);
  }
}
