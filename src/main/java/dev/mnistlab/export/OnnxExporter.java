package dev.mnistlab.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.io.AtomicFiles;
import dev.mnistlab.model.LayerSpec;
import dev.mnistlab.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained network as a standard ONNX model (opset 13), layer by layer from its spec and
 * the DJL block's parameters.
 *
 * <p>The graph: input {@code pixels}, float {@code [N, 1, 28, 28]}, pixel values in [0, 1] with
 * white ink on black (MNIST's layout); the dataset's normalization is built into the graph (a
 * {@code Sub} and a {@code Div}) and also recorded in the metadata; output {@code
 * log_probabilities}, float {@code [N, 10]}: the same log-probabilities mnistlab's loss and
 * evaluation use (log-softmax of a scores head, the logarithm of a softmax head). Dropout is
 * dropped; BatchNorm is exported in inference form with its running statistics.
 */
public final class OnnxExporter {
  /** The ONNX operator set the graph uses. */
  public static final int OPSET = 13;

  /** Name of the graph's input. */
  public static final String INPUT = "pixels";

  /** Name of the graph's output. */
  public static final String OUTPUT = "log_probabilities";

  /** The ONNX IR version of the files. */
  static final int IR_VERSION = 8;

  private static final float BATCHNORM_EPSILON = InferenceNet.BATCHNORM_EPSILON;

  private final OnnxGraph g = new OnnxGraph();

  private OnnxExporter() {}

  /**
   * The ONNX model of {@code block}, a network {@code BlockFactory} built from {@code spec}, with
   * its current parameters.
   *
   * @param metadata extra key/value pairs for the model's metadata (name, accuracy, provenance)
   * @throws UnsupportedOperationException naming the layer when one cannot be exported
   */
  public static OnnxMl.ModelProto export(
      ModelSpec spec, Block block, Normalization normalization, Map<String, String> metadata) {
    OnnxExporter exporter = new OnnxExporter();
    String x = exporter.g.normalize(normalization);
    List<Block> children = new ArrayList<>();
    block.getChildren().values().forEach(children::add);
    for (int i = 0; i < spec.layers().size(); i++) {
      x = exporter.layer(spec.layers().get(i), children.get(i), x, spec, i);
    }
    // BlockFactory always ends with a batch flatten to N×10.
    x = exporter.g.node("Flatten", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
    exporter.g.logProbabilities(spec.outputsProbabilities(), x);
    return exporter.g.model(
        spec.name(), spec.description(), spec.inputShape(), normalization, metadata);
  }

  /** Writes {@code model} into {@code out} (to a temporary name, then renamed). */
  public static void write(OnnxMl.ModelProto model, Path out) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    AtomicFiles.write(out, model.toByteArray());
  }

  /** Adds the nodes of one spec layer after {@code x}; returns the layer's output name. */
  private String layer(LayerSpec layer, Block block, String x, ModelSpec spec, int index) {
    if (layer instanceof LayerSpec.Conv c) {
      return conv(
          block, x, c.kernel(), c.stride(), c.padding(), c.dilation(), c.bias(), c.groups());
    }
    if (layer instanceof LayerSpec.BatchNorm) {
      return g.node(
          "BatchNormalization",
          List.of(
              x,
              parameter(block, "gamma"),
              parameter(block, "beta"),
              parameter(block, "runningMean"),
              parameter(block, "runningVar")),
          List.of(OnnxGraph.floatAttribute("epsilon", BATCHNORM_EPSILON)));
    }
    if (layer instanceof LayerSpec.Relu) {
      return g.node("Relu", List.of(x), List.of());
    }
    if (layer instanceof LayerSpec.Dropout) {
      return x; // identity at inference
    }
    if (layer instanceof LayerSpec.MaxPool p) {
      return g.node("MaxPool", List.of(x), pool(p.kernel(), p.stride()));
    }
    if (layer instanceof LayerSpec.AvgPool p) {
      return g.node("AveragePool", List.of(x), pool(p.kernel(), p.stride()));
    }
    if (layer instanceof LayerSpec.Gap) {
      return g.node("GlobalAveragePool", List.of(x), List.of());
    }
    if (layer instanceof LayerSpec.Flatten) {
      return g.node("Flatten", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
    }
    if (layer instanceof LayerSpec.Linear l) {
      // Gemm takes N×features; a C×1×1 input (after GAP) is flattened first.
      String flat = g.node("Flatten", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
      List<String> inputs = new ArrayList<>(List.of(flat, parameter(block, "weight")));
      if (l.bias()) {
        inputs.add(parameter(block, "bias"));
      }
      return g.node("Gemm", inputs, List.of(OnnxGraph.intAttribute("transB", 1)));
    }
    if (layer instanceof LayerSpec.LogSoftmax) {
      return g.node("LogSoftmax", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
    }
    if (layer instanceof LayerSpec.Softmax) {
      return g.node("Softmax", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
    }
    if (layer instanceof LayerSpec.SqueezeExcite se) {
      // BlockFactory: ParallelBlock(identity, gate = [gap, conv1x1, relu, conv1x1, sigmoid]).
      Block gate = ((ParallelBlock) block).getChildren().values().get(1);
      List<Block> parts = gate.getChildren().values();
      String pooled = g.node("GlobalAveragePool", List.of(x), List.of());
      String squeezed = conv(parts.get(1), pooled, 1, 1, 0, 1, se.bias(), 1);
      String excited =
          conv(
              parts.get(3), g.node("Relu", List.of(squeezed), List.of()), 1, 1, 0, 1, se.bias(), 1);
      return g.node("Mul", List.of(x, g.node("Sigmoid", List.of(excited), List.of())), List.of());
    }
    throw new UnsupportedOperationException(
        spec.source() + ": layer " + (index + 1) + " (" + layer.keyword() + ") has no ONNX form");
  }

  private String conv(
      Block block,
      String x,
      int kernel,
      int stride,
      int padding,
      int dilation,
      boolean bias,
      int groups) {
    List<String> inputs = new ArrayList<>(List.of(x, parameter(block, "weight")));
    if (bias) {
      inputs.add(parameter(block, "bias"));
    }
    return g.node(
        "Conv",
        inputs,
        List.of(
            OnnxGraph.intsAttribute("kernel_shape", kernel, kernel),
            OnnxGraph.intsAttribute("strides", stride, stride),
            OnnxGraph.intsAttribute("pads", padding, padding, padding, padding),
            OnnxGraph.intsAttribute("dilations", dilation, dilation),
            OnnxGraph.intAttribute("group", groups)));
  }

  static List<OnnxMl.AttributeProto> pool(int kernel, int stride) {
    return List.of(
        OnnxGraph.intsAttribute("kernel_shape", kernel, kernel),
        OnnxGraph.intsAttribute("strides", stride, stride));
  }

  /** A block's parameter as an initializer; returns its name. */
  private String parameter(Block block, String name) {
    Parameter parameter = block.getParameters().get(name);
    if (parameter == null || !parameter.isInitialized()) {
      throw new IllegalStateException("the network has no initialized parameter " + name);
    }
    NDArray array = parameter.getArray();
    return g.constant(name, array.toFloatArray(), array.getShape().getShape());
  }
}
