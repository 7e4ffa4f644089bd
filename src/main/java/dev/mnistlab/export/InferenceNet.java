package dev.mnistlab.export;

import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import dev.mnistlab.data.Normalization;
import dev.mnistlab.model.LayerSpec;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpec.Shape3;
import dev.mnistlab.model.Shapes;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained network as the operations inference runs, for the exporters that leave DJL behind (the
 * int8 ONNX model, the C source): BatchNorm folded into the convolution before it, dropout and
 * flattening dropped (a flatten of contiguous C×H×W values moves nothing), every weight a plain
 * {@code float[]} in PyTorch's layout. {@link #forward} runs it in plain Java, the reference both
 * exporters are checked against.
 *
 * @param name the model's name
 * @param normalization what the pixels are normalized with before the first operation
 * @param input the input shape
 * @param ops the operations, in order
 * @param probabilitiesHead whether the last operation gives probabilities (a softmax head), whose
 *     logarithm is the output; otherwise log-softmax of the scores is
 */
public record InferenceNet(
    String name,
    Normalization normalization,
    Shape3 input,
    List<Op> ops,
    boolean probabilitiesHead) {

  /** BatchNorm's epsilon in the engine (PyTorch's default). */
  static final float BATCHNORM_EPSILON = 1e-5f;

  /** One inference operation; each knows its input and output shape. */
  public sealed interface Op {
    /** The shape this operation produces. */
    Shape3 output();
  }

  /**
   * A 2-D convolution with a bias (BatchNorm folded in, or zeros where there was none).
   *
   * @param weight {@code out × in/groups × kernel × kernel}
   * @param bias one per output channel
   */
  public record Conv(
      Shape3 in,
      Shape3 output,
      int kernel,
      int stride,
      int padding,
      int dilation,
      int groups,
      float[] weight,
      float[] bias)
      implements Op {}

  /** {@code y = x · scale[c] + shift[c]}: a BatchNorm that no convolution precedes. */
  public record ChannelAffine(Shape3 output, float[] scale, float[] shift) implements Op {}

  /** max(0, x). */
  public record Relu(Shape3 output) implements Op {}

  /** Max or average pooling without padding. */
  public record Pool(Shape3 in, Shape3 output, int kernel, int stride, boolean max) implements Op {}

  /** Global average pooling to C×1×1. */
  public record Gap(Shape3 in, Shape3 output) implements Op {}

  /**
   * A fully connected layer over the flattened input.
   *
   * @param weight {@code out × in}, PyTorch's layout
   */
  public record Linear(int in, Shape3 output, float[] weight, float[] bias) implements Op {}

  /** Squeeze-and-excitation: x · sigmoid(up(relu(down(gap(x))))), down and up 1×1 convolutions. */
  public record SqueezeExcite(Shape3 output, Conv down, Conv up) implements Op {}

  /** Softmax over the 10 scores (the network's head gives probabilities). */
  public record Softmax(Shape3 output) implements Op {}

  /** Log-softmax over the 10 scores. */
  public record LogSoftmax(Shape3 output) implements Op {}

  /**
   * The inference operations of {@code block}, a network {@code BlockFactory} built from {@code
   * spec}, with its current parameters.
   *
   * @throws UnsupportedOperationException naming a layer the exporters cannot express
   */
  public static InferenceNet of(ModelSpec spec, Block block, Normalization normalization) {
    List<Shape3> shapes = Shapes.infer(spec);
    List<Block> children = new ArrayList<>(block.getChildren().values());
    List<Op> ops = new ArrayList<>();
    Shape3 in = spec.inputShape();
    for (int i = 0; i < spec.layers().size(); i++) {
      LayerSpec layer = spec.layers().get(i);
      Shape3 out = shapes.get(i);
      Block b = children.get(i);
      ops.addAll(ops(layer, b, in, out, spec, i, ops));
      in = out;
    }
    return new InferenceNet(
        spec.name(),
        normalization,
        spec.inputShape(),
        List.copyOf(ops),
        spec.outputsProbabilities());
  }

  /**
   * The operations one spec layer adds (none for dropout and flatten; a BatchNorm after a
   * convolution is folded into it, replacing the last of {@code before}).
   */
  private static List<Op> ops(
      LayerSpec layer, Block b, Shape3 in, Shape3 out, ModelSpec spec, int index, List<Op> before) {
    if (layer instanceof LayerSpec.Conv c) {
      return List.of(conv(b, in, out, c));
    }
    if (layer instanceof LayerSpec.BatchNorm) {
      return foldOrAffine(before, b, out);
    }
    if (layer instanceof LayerSpec.Relu) {
      return List.of(new Relu(out));
    }
    if (layer instanceof LayerSpec.Dropout || layer instanceof LayerSpec.Flatten) {
      // Dropout is the identity at inference; a flatten of contiguous C×H×W values moves nothing.
      return List.of();
    }
    if (layer instanceof LayerSpec.MaxPool p) {
      return List.of(new Pool(in, out, p.kernel(), p.stride(), true));
    }
    if (layer instanceof LayerSpec.AvgPool p) {
      return List.of(new Pool(in, out, p.kernel(), p.stride(), false));
    }
    if (layer instanceof LayerSpec.Gap) {
      return List.of(new Gap(in, out));
    }
    if (layer instanceof LayerSpec.Linear l) {
      return List.of(
          new Linear(
              Math.toIntExact(in.size()),
              out,
              floats(b, "weight"),
              l.bias() ? floats(b, "bias") : new float[l.units()]));
    }
    if (layer instanceof LayerSpec.LogSoftmax) {
      return List.of(new LogSoftmax(out));
    }
    if (layer instanceof LayerSpec.Softmax) {
      return List.of(new Softmax(out));
    }
    if (layer instanceof LayerSpec.SqueezeExcite se) {
      // BlockFactory: ParallelBlock(identity, gate = [gap, conv1x1, relu, conv1x1, sigmoid]).
      List<Block> gate = ((ParallelBlock) b).getChildren().values().get(1).getChildren().values();
      int channels = in.channels();
      int squeezed = se.squeezed(channels);
      Shape3 pooled = Shape3.of(channels, 1, 1);
      Shape3 small = Shape3.of(squeezed, 1, 1);
      return List.of(
          new SqueezeExcite(
              out,
              conv(
                  gate.get(1),
                  pooled,
                  small,
                  new LayerSpec.Conv(squeezed, 1, 1, 0, 1, se.bias(), 1)),
              conv(
                  gate.get(3),
                  small,
                  pooled,
                  new LayerSpec.Conv(channels, 1, 1, 0, 1, se.bias(), 1))));
    }
    throw new UnsupportedOperationException(
        spec.source() + ": layer " + (index + 1) + " (" + layer.keyword() + ") cannot be exported");
  }

  private static Conv conv(Block b, Shape3 in, Shape3 out, LayerSpec.Conv c) {
    boolean bias = c.bias();
    return new Conv(
        in,
        out,
        c.kernel(),
        c.stride(),
        c.padding(),
        c.dilation(),
        c.groups(),
        floats(b, "weight"),
        bias ? floats(b, "bias") : new float[out.channels()]);
  }

  /**
   * Folds a BatchNorm into the convolution just before it in {@code ops}, which then computes the
   * same values (nothing to add); otherwise it is a per-channel affine map.
   */
  private static List<Op> foldOrAffine(List<Op> ops, Block bn, Shape3 out) {
    float[] gamma = floats(bn, "gamma");
    float[] beta = floats(bn, "beta");
    float[] mean = floats(bn, "runningMean");
    float[] var = floats(bn, "runningVar");
    int channels = gamma.length;
    float[] scale = new float[channels];
    float[] shift = new float[channels];
    for (int c = 0; c < channels; c++) {
      scale[c] = (float) (gamma[c] / Math.sqrt(var[c] + BATCHNORM_EPSILON));
      shift[c] = beta[c] - mean[c] * scale[c];
    }
    if (!ops.isEmpty() && ops.get(ops.size() - 1) instanceof Conv c) {
      float[] w = c.weight().clone();
      float[] b = new float[channels];
      int perOut = w.length / channels;
      for (int o = 0; o < channels; o++) {
        for (int k = 0; k < perOut; k++) {
          w[o * perOut + k] *= scale[o];
        }
        b[o] = c.bias()[o] * scale[o] + shift[o];
      }
      ops.set(
          ops.size() - 1,
          new Conv(
              c.in(),
              c.output(),
              c.kernel(),
              c.stride(),
              c.padding(),
              c.dilation(),
              c.groups(),
              w,
              b));
      return List.of();
    }
    return List.of(new ChannelAffine(out, scale, shift));
  }

  private static float[] floats(Block block, String name) {
    Parameter parameter = block.getParameters().get(name);
    if (parameter == null || !parameter.isInitialized()) {
      throw new IllegalStateException("the network has no initialized parameter " + name);
    }
    return parameter.getArray().toFloatArray();
  }

  /** The numbers the exported network stores, after folding: weights, biases, affine maps. */
  public long storedWeights() {
    long n = 0;
    for (Op op : ops) {
      if (op instanceof Conv c) {
        n += c.weight().length + c.bias().length;
      } else if (op instanceof ChannelAffine a) {
        n += 2L * a.scale().length;
      } else if (op instanceof Linear l) {
        n += l.weight().length + l.bias().length;
      } else if (op instanceof SqueezeExcite se) {
        n += se.down().weight().length + se.down().bias().length;
        n += se.up().weight().length + se.up().bias().length;
      }
    }
    return n;
  }

  /**
   * Runs one image through the operations in plain Java, in double precision where it sums: the
   * reference the exported forms are checked against.
   *
   * @param unitPixels C×H×W pixels in [0, 1], white ink on black
   * @return the 10 log-probabilities
   */
  public float[] forward(float[] unitPixels) {
    return forward(unitPixels, new Kernels(Kernels.FLOAT));
  }

  /** {@link #forward(float[])} with {@code kernels}' treatment of layer inputs and weights. */
  float[] forward(float[] unitPixels, Kernels kernels) {
    float[] x = new float[unitPixels.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (unitPixels[i] - normalization.mean()) / normalization.std();
    }
    for (Op op : ops) {
      x = kernels.apply(op, x);
    }
    return Kernels.logProbabilities(x, probabilitiesHead);
  }
}
