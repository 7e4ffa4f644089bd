package dev.mnistlab.export;

import ai.onnx.proto.OnnxMl;
import dev.mnistlab.export.InferenceNet.ChannelAffine;
import dev.mnistlab.export.InferenceNet.Conv;
import dev.mnistlab.export.InferenceNet.Gap;
import dev.mnistlab.export.InferenceNet.Linear;
import dev.mnistlab.export.InferenceNet.LogSoftmax;
import dev.mnistlab.export.InferenceNet.Op;
import dev.mnistlab.export.InferenceNet.Pool;
import dev.mnistlab.export.InferenceNet.Relu;
import dev.mnistlab.export.InferenceNet.Softmax;
import dev.mnistlab.export.InferenceNet.SqueezeExcite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link Int8Net} as a standard QDQ ONNX model (opset 13): each convolution's and fully
 * connected layer's input passes QuantizeLinear (uint8, per tensor) and DequantizeLinear; its int8
 * weights, stored as int8, pass DequantizeLinear per output channel; the float operations run on
 * what they stand for. ONNX Runtime recognizes the pattern; the input, output and normalization are
 * those of {@link OnnxExporter}'s float model.
 */
public final class QdqExporter {
  private final OnnxGraph g = new OnnxGraph();
  private final Int8Net q;

  private QdqExporter(Int8Net q) {
    this.q = q;
  }

  /**
   * The QDQ ONNX model of {@code q}.
   *
   * @param metadata extra key/value pairs for the model's metadata
   */
  public static OnnxMl.ModelProto export(Int8Net q, Map<String, String> metadata) {
    QdqExporter exporter = new QdqExporter(q);
    InferenceNet net = q.net();
    String x = exporter.g.normalize(net.normalization());
    for (Op op : net.ops()) {
      x = exporter.op(op, x);
    }
    x = exporter.g.node("Flatten", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
    exporter.g.logProbabilities(net.probabilitiesHead(), x);
    return exporter.g.model(
        net.name(),
        "int8 (QDQ) quantization of " + net.name(),
        net.input(),
        net.normalization(),
        metadata);
  }

  private String op(Op op, String x) {
    if (op instanceof Conv c) {
      return conv(c, x);
    }
    if (op instanceof ChannelAffine a) {
      long[] dims = {a.scale().length, 1, 1};
      String scaled = g.node("Mul", List.of(x, g.constant("scale", a.scale(), dims)), List.of());
      return g.node("Add", List.of(scaled, g.constant("shift", a.shift(), dims)), List.of());
    }
    if (op instanceof Relu) {
      return g.node("Relu", List.of(x), List.of());
    }
    if (op instanceof Pool p) {
      return g.node(
          p.max() ? "MaxPool" : "AveragePool",
          List.of(x),
          OnnxExporter.pool(p.kernel(), p.stride()));
    }
    if (op instanceof Gap) {
      return g.node("GlobalAveragePool", List.of(x), List.of());
    }
    if (op instanceof Linear l) {
      String flat = g.node("Flatten", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
      return g.node(
          "Gemm",
          List.of(
              input(l, flat),
              weights(l, new long[] {l.bias().length, l.in()}),
              g.constant("bias", l.bias(), new long[] {l.bias().length})),
          List.of(OnnxGraph.intAttribute("transB", 1)));
    }
    if (op instanceof SqueezeExcite se) {
      String pooled = g.node("GlobalAveragePool", List.of(x), List.of());
      String squeezed = g.node("Relu", List.of(conv(se.down(), pooled)), List.of());
      String gate = g.node("Sigmoid", List.of(conv(se.up(), squeezed)), List.of());
      return g.node("Mul", List.of(x, gate), List.of());
    }
    if (op instanceof Softmax) {
      return g.node("Softmax", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
    }
    if (op instanceof LogSoftmax) {
      return g.node("LogSoftmax", List.of(x), List.of(OnnxGraph.intAttribute("axis", 1)));
    }
    throw new IllegalStateException("no QDQ form for " + op.getClass().getSimpleName());
  }

  private String conv(Conv c, String x) {
    int k = c.kernel();
    long[] dims = {c.output().channels(), c.in().channels() / c.groups(), k, k};
    return g.node(
        "Conv",
        List.of(
            input(c, x),
            weights(c, dims),
            g.constant("bias", c.bias(), new long[] {c.output().channels()})),
        List.of(
            OnnxGraph.intsAttribute("kernel_shape", k, k),
            OnnxGraph.intsAttribute("strides", c.stride(), c.stride()),
            OnnxGraph.intsAttribute("pads", c.padding(), c.padding(), c.padding(), c.padding()),
            OnnxGraph.intsAttribute("dilations", c.dilation(), c.dilation()),
            OnnxGraph.intAttribute("group", c.groups())));
  }

  /** {@code x} quantized to the layer's uint8 codes and back: QuantizeLinear, DequantizeLinear. */
  private String input(Op layer, String x) {
    Int8Net.Activation a = q.layer(layer).input();
    String scale = g.constant("x_scale", new float[] {a.scale()}, new long[] {});
    String zero = g.bytes("x_zero_point", new byte[] {(byte) a.zeroPoint()}, new long[] {}, false);
    String codes = g.node("QuantizeLinear", List.of(x, scale, zero), List.of());
    return g.node("DequantizeLinear", List.of(codes, scale, zero), List.of());
  }

  /** The layer's int8 weights, dequantized per output channel (axis 0). */
  private String weights(Op layer, long[] dims) {
    Int8Net.Weights w = q.layer(layer).weights();
    int channels = w.scales().length;
    String codes = g.bytes("w_int8", w.q(), dims, true);
    String scales = g.constant("w_scale", w.scales(), new long[] {channels});
    String zeros = g.bytes("w_zero_point", new byte[channels], new long[] {channels}, true);
    List<String> inputs = new ArrayList<>(List.of(codes, scales, zeros));
    return g.node("DequantizeLinear", inputs, List.of(OnnxGraph.intAttribute("axis", 0)));
  }
}
