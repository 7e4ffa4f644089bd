package dev.mnistlab.export;

import ai.onnx.proto.OnnxMl;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.model.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph being built, node by node, with unique names, and the model around it: what the
 * float and the int8 exporters share (the input, the normalization in the graph, the output as
 * log-probabilities, the metadata).
 */
final class OnnxGraph {
  final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
  private int counter;

  /** The input normalized as the network expects: {@code (pixels - mean) / std}. */
  String normalize(Normalization n) {
    String mean = constant("normalization_mean", new float[] {n.mean()}, new long[] {});
    String std = constant("normalization_std", new float[] {n.std()}, new long[] {});
    return node(
        "Div", List.of(node("Sub", List.of(OnnxExporter.INPUT, mean), List.of()), std), List.of());
  }

  /**
   * The output as log-probabilities, as {@code ModelSpec.logProbabilities} computes them: the
   * logarithm of a probabilities head, else log-softmax.
   */
  void logProbabilities(boolean probabilitiesHead, String x) {
    if (probabilitiesHead) {
      String min = constant("clip_min", new float[] {1e-12f}, new long[] {});
      String max = constant("clip_max", new float[] {1f}, new long[] {});
      String clipped = node("Clip", List.of(x, min, max), List.of());
      graph.addNode(nodeBuilder("Log", List.of(clipped), List.of(), OnnxExporter.OUTPUT));
    } else {
      graph.addNode(
          nodeBuilder(
              "LogSoftmax", List.of(x), List.of(intAttribute("axis", 1)), OnnxExporter.OUTPUT));
    }
  }

  /** The model around the graph: input, output, opset, documentation and metadata. */
  OnnxMl.ModelProto model(
      String name,
      String description,
      ModelSpec.Shape3 in,
      Normalization normalization,
      Map<String, String> metadata) {
    graph
        .setName(name)
        .setDocString(description)
        .addInput(valueInfo(OnnxExporter.INPUT, "N", in.channels(), in.height(), in.width()))
        .addOutput(valueInfo(OnnxExporter.OUTPUT, "N", ModelSpec.CLASSES));
    OnnxMl.ModelProto.Builder model =
        OnnxMl.ModelProto.newBuilder()
            .setIrVersion(OnnxExporter.IR_VERSION)
            .setProducerName("mnistlab")
            .setModelVersion(1)
            .setDocString(
                "Input "
                    + OnnxExporter.INPUT
                    + ": float [N,1,28,28], pixels in [0,1], white ink on black; normalization"
                    + " (x - mean) / std is built into the graph. Output "
                    + OnnxExporter.OUTPUT
                    + ": float [N,10], log-probabilities of the digits 0-9.")
            .addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxExporter.OPSET))
            .setGraph(graph);
    model.addMetadataProps(entry("normalization_mean", Float.toString(normalization.mean())));
    model.addMetadataProps(entry("normalization_std", Float.toString(normalization.std())));
    model.addMetadataProps(entry("normalization", "in the graph"));
    model.addMetadataProps(
        entry("input", OnnxExporter.INPUT + ": pixels in [0,1], white ink on black"));
    model.addMetadataProps(entry("output", OnnxExporter.OUTPUT + ": log-probabilities of 0-9"));
    metadata.forEach((k, v) -> model.addMetadataProps(entry(k, v)));
    return model.build();
  }

  String constant(String name, float[] values, long[] dims) {
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

  String node(String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes) {
    String output = op.toLowerCase(java.util.Locale.ROOT) + "_" + (counter++);
    graph.addNode(nodeBuilder(op, inputs, attributes, output));
    return output;
  }

  OnnxMl.NodeProto nodeBuilder(
      String op, List<String> inputs, List<OnnxMl.AttributeProto> attributes, String output) {
    return OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .setName(output)
        .addAllInput(inputs)
        .addOutput(output)
        .addAllAttribute(attributes)
        .build();
  }

  static OnnxMl.AttributeProto intAttribute(String name, long value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  static OnnxMl.AttributeProto intsAttribute(String name, long... values) {
    OnnxMl.AttributeProto.Builder a =
        OnnxMl.AttributeProto.newBuilder()
            .setName(name)
            .setType(OnnxMl.AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  static OnnxMl.AttributeProto floatAttribute(String name, float value) {
    return OnnxMl.AttributeProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  static OnnxMl.ValueInfoProto valueInfo(String name, String batch, int... dims) {
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

  static OnnxMl.StringStringEntryProto entry(String key, String value) {
    return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  /**
   * An int8 or uint8 initializer; returns its name.
   *
   * @param signed int8 when true, else uint8
   */
  String bytes(String name, byte[] values, long[] dims, boolean signed) {
    String unique = name + "_" + (counter++);
    OnnxMl.TensorProto.Builder tensor =
        OnnxMl.TensorProto.newBuilder()
            .setName(unique)
            .setDataType(
                (signed ? OnnxMl.TensorProto.DataType.INT8 : OnnxMl.TensorProto.DataType.UINT8)
                    .getNumber())
            .setRawData(com.google.protobuf.ByteString.copyFrom(values));
    for (long d : dims) {
      tensor.addDims(d);
    }
    graph.addInitializer(tensor);
    return unique;
  }
}
