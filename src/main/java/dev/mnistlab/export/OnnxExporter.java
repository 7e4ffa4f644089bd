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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

  private static final int IR_VERSION = 8;
  private static final float BATCHNORM_EPSILON = 1e-5f;

  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
  private int counter;

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
    String x = exporter.normalize(normalization);
    List<Block> children = new ArrayList<>();
    block.getChildren().values().forEach(children::add);
    for (int i = 0; i < spec.layers().size(); i++) {
      x = exporter.layer(spec.layers().get(i), children.get(i), x, spec, i);
    }
    // BlockFactory always ends with a batch flatten to N×10.
    x = exporter.node("Flatten", List.of(x), List.of(intAttribute("axis", 1)));
    exporter.logProbabilities(spec, x);

    ModelSpec.Shape3 in = spec.inputShape();
    exporter
        .graph
        .setName(spec.name())
        .setDocString(spec.description())
        .addInput(valueInfo(INPUT, "N", in.channels(), in.height(), in.width()))
        .addOutput(valueInfo(OUTPUT, "N", ModelSpec.CLASSES));
    OnnxMl.ModelProto.Builder model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("mnistlab")
            .setModelVersion(1)
            .setDocString(
                "Input "
                    + INPUT
                    + ": float [N,1,28,28], pixels in [0,1], white ink on black; normalization"
                    + " (x - mean) / std is built into the graph. Output "
                    + OUTPUT
                    + ": float [N,10], log-probabilities of the digits 0-9.")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(exporter.graph);
    model.addMetadataProps(entry("normalization_mean", Float.toString(normalization.mean())));
    model.addMetadataProps(entry("normalization_std", Float.toString(normalization.std())));
    model.addMetadataProps(entry("normalization", "in the graph"));
    model.addMetadataProps(entry("input", INPUT + ": pixels in [0,1], white ink on black"));
    model.addMetadataProps(entry("output", OUTPUT + ": log-probabilities of 0-9"));
    metadata.forEach((k, v) -> model.addMetadataProps(entry(k, v)));
    return model.build();
  }

  /** Writes {@code model} into {@code out} (to a temporary name, then renamed). */
  public static void write(OnnxMl.ModelProto model, Path out) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    AtomicFiles.write(out, model.toByteArray());
  }

  private String normalize(Normalization n) {
    String mean = constant("normalization_mean", new float[] {n.mean()}, new long[] {});
    String std = constant("normalization_std", new float[] {n.std()}, new long[] {});
    return node("Div", List.of(node("Sub", List.of(INPUT, mean), List.of()), std), List.of());
  }

  /** Adds the nodes of one spec layer after {@code x}; returns the layer's output name. */
  private String layer(LayerSpec layer, Block block, String x, ModelSpec spec, int index) {
    if (layer instanceof LayerSpec.Conv c) {
      return conv(
          block, x, c.kernel(), c.stride(), c.padding(), c.dilation(), c.bias(), c.groups());
    }
    if (layer instanceof LayerSpec.BatchNorm) {
      return node(
          "BatchNormalization",
          List.of(
              x,
              parameter(block, "gamma"),
              parameter(block, "beta"),
              parameter(block, "runningMean"),
              parameter(block, "runningVar")),
          List.of(floatAttribute("epsilon", BATCHNORM_EPSILON)));
    }
    if (layer instanceof LayerSpec.Relu) {
      return node("Relu", List.of(x), List.of());
    }
    if (layer instanceof LayerSpec.Dropout) {
      return x; // identity at inference
    }
    if (layer instanceof LayerSpec.MaxPool p) {
      return node("MaxPool", List.of(x), pool(p.kernel(), p.stride()));
    }
    if (layer instanceof LayerSpec.AvgPool p) {
      return node("AveragePool", List.of(x), pool(p.kernel(), p.stride()));
    }
    if (layer instanceof LayerSpec.Gap) {
      return node("GlobalAveragePool", List.of(x), List.of());
    }
    if (layer instanceof LayerSpec.Flatten) {
      return node("Flatten", List.of(x), List.of(intAttribute("axis", 1)));
    }
    if (layer instanceof LayerSpec.Linear l) {
      // Gemm takes N×features; a C×1×1 input (after GAP) is flattened first.
      String flat = node("Flatten", List.of(x), List.of(intAttribute("axis", 1)));
      List<String> inputs = new ArrayList<>(List.of(flat, parameter(block, "weight")));
      if (l.bias()) {
        inputs.add(parameter(block, "bias"));
      }
      return node("Gemm", inputs, List.of(intAttribute("transB", 1)));
    }
    if (layer instanceof LayerSpec.LogSoftmax) {
      return node("LogSoftmax", List.of(x), List.of(intAttribute("axis", 1)));
    }
    if (layer instanceof LayerSpec.Softmax) {
      return node("Softmax", List.of(x), List.of(intAttribute("axis", 1)));
    }
    if (layer instanceof LayerSpec.SqueezeExcite se) {
      // BlockFactory: ParallelBlock(identity, gate = [gap, conv1x1, relu, conv1x1, sigmoid]).
      Block gate = ((ParallelBlock) block).getChildren().values().get(1);
      List<Block> parts = gate.getChildren().values();
      String pooled = node("GlobalAveragePool", List.of(x), List.of());
      String squeezed = conv(parts.get(1), pooled, 1, 1, 0, 1, se.bias(), 1);
      String excited =
          conv(parts.get(3), node("Relu", List.of(squeezed), List.of()), 1, 1, 0, 1, se.bias(), 1);
      return node("Mul", List.of(x, node("Sigmoid", List.of(excited), List.of())), List.of());
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
    return node(
        "Conv",
        inputs,
        List.of(
            intsAttribute("kernel_shape", kernel, kernel),
            intsAttribute("strides", stride, stride),
            intsAttribute("pads", padding, padding, padding, padding),
            intsAttribute("dilations", dilation, dilation),
            intAttribute("group", groups)));
  }

  private static List<OnnxMl.AttributeProto> pool(int kernel, int stride) {
    return List.of(
        intsAttribute("kernel_shape", kernel, kernel), intsAttribute("strides", stride, stride));
  }

  /** The output as log-probabilities, as {@code ModelSpec.logProbabilities} computes them. */
  private void logProbabilities(ModelSpec spec, String x) {
    if (spec.outputsProbabilities()) {
      String min = constant("clip_min", new float[] {1e-12f}, new long[] {});
      String max = constant("clip_max", new float[] {1f}, new long[] {});
      String clipped = node("Clip", List.of(x, min, max), List.of());
      graph.addNode(nodeBuilder("Log", List.of(clipped), List.of(), OUTPUT));
    } else {
      graph.addNode(
          nodeBuilder("LogSoftmax", List.of(x), List.of(intAttribute("axis", 1)), OUTPUT));
    }
  }

  /** A block's parameter as an initializer; returns its name. */
  private String parameter(Block block, String name) {
    Parameter parameter = block.getParameters().get(name);
    if (parameter == null || !parameter.isInitialized()) {
      throw new IllegalStateException("the network has no initialized parameter " + name);
    }
    NDArray array = parameter.getArray();
    return constant(name, array.toFloatArray(), array.getShape().getShape());
  }

  private String constant(String name, float[] values, long[] dims) {
    String unique = name + "_" + (counter++);
    ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      bytes.putFloat(v);
    }
    bytes.flip();
    OnnxMl.TensorProto.Builder tensor =
        OnnxMl.TensorProto.newBuilder()
            .setName(unique)
            .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
            .setRawData(com.google.protobuf.ByteString.copyFrom(bytes));
    for (long d : dims) {
      tensor.addDims(d);
    }
    graph.addInitializer(tensor);
    return unique;
  }

  private String node(String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes) {
    String output = op.toLowerCase(java.util.Locale.ROOT) + "_" + (counter++);
    graph.addNode(nodeBuilder(op, inputs, attributes, output));
    return output;
  }

  private OnnxMl.NodeProto nodeBuilder(
      String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes, String output) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .setName(output)
        .addAllInput(inputs)
        .addOutput(output)
        .addAllAttribute(attributes)
        .build();
  }

  private static OnnxMl.AttributeProto intAttribute(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static OnnxMl.AttributeProto intsAttribute(String name, long... values) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static OnnxMl.AttributeProto floatAttribute(String name, float value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  private static OnnxMl.ValueInfoProto valueInfo(String name, String batch, int... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    for (int d : dims) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            OnnxMl.TypeProto.newBuilder()
                .setTensorType(
                    OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                        .setShape(shape)))
        .build();
  }

  private static OnnxMl.StringStringEntryProto entry(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }
}
