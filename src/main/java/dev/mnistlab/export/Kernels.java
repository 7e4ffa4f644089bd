package dev.mnistlab.export;

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
import dev.mnistlab.model.ModelSpec.Shape3;

/**
 * The operations of an {@link InferenceNet} in plain Java, one image at a time, values C×H×W in
 * row-major order; sums in double precision, so that this is the reference the exported forms
 * (ONNX, C) are measured against rather than one more rounding of them.
 */
final class Kernels {
  /**
   * What happens to the input of each convolution and fully connected layer before it is used:
   * nothing (float), a record of its range (calibration), or int8 rounding (the quantized network's
   * reference).
   */
  interface InputHook {
    /** The input {@code x} of {@code layer} (a {@link Conv} or {@link Linear}), as it is used. */
    float[] input(Op layer, float[] x);

    /** The weights {@code layer} computes with. */
    default float[] weights(Op layer, float[] weights) {
      return weights;
    }
  }

  /** Float: inputs and weights as they are. */
  static final InputHook FLOAT = (layer, x) -> x;

  private final InputHook hook;

  Kernels(InputHook hook) {
    this.hook = hook;
  }

  /** {@code op} applied to {@code x}. */
  float[] apply(Op op, float[] x) {
    if (op instanceof Conv c) {
      return conv(c, x);
    }
    if (op instanceof ChannelAffine a) {
      return affine(a, x);
    }
    if (op instanceof Relu) {
      return relu(x);
    }
    if (op instanceof Pool p) {
      return pool(p, x);
    }
    if (op instanceof Gap g) {
      return gap(g.in(), x);
    }
    if (op instanceof Linear l) {
      return linear(l, x);
    }
    if (op instanceof SqueezeExcite se) {
      return squeezeExcite(se, x);
    }
    if (op instanceof Softmax) {
      return softmax(x);
    }
    if (op instanceof LogSoftmax) {
      return logSoftmax(x);
    }
    throw new IllegalStateException("no kernel for " + op.getClass().getSimpleName());
  }

  float[] conv(Conv c, float[] input) {
    float[] x = hook.input(c, input);
    float[] weight = hook.weights(c, c.weight());
    Shape3 in = c.in();
    Shape3 out = c.output();
    int inPerGroup = in.channels() / c.groups();
    int outPerGroup = out.channels() / c.groups();
    int k = c.kernel();
    float[] y = new float[Math.toIntExact(out.size())];
    for (int o = 0; o < out.channels(); o++) {
      int group = o / outPerGroup;
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          double sum = c.bias()[o];
          for (int ci = 0; ci < inPerGroup; ci++) {
            int channel = group * inPerGroup + ci;
            for (int ky = 0; ky < k; ky++) {
              int iy = oy * c.stride() - c.padding() + ky * c.dilation();
              if (iy < 0 || iy >= in.height()) {
                continue;
              }
              for (int kx = 0; kx < k; kx++) {
                int ix = ox * c.stride() - c.padding() + kx * c.dilation();
                if (ix < 0 || ix >= in.width()) {
                  continue;
                }
                sum +=
                    (double) weight[((o * inPerGroup + ci) * k + ky) * k + kx]
                        * x[(channel * in.height() + iy) * in.width() + ix];
              }
            }
          }
          y[(o * out.height() + oy) * out.width() + ox] = (float) sum;
        }
      }
    }
    return y;
  }

  private static float[] affine(ChannelAffine a, float[] x) {
    int plane = x.length / a.scale().length;
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int c = i / plane;
      y[i] = x[i] * a.scale()[c] + a.shift()[c];
    }
    return y;
  }

  private static float[] pool(Pool p, float[] x) {
    Shape3 in = p.in();
    Shape3 out = p.output();
    float[] y = new float[Math.toIntExact(out.size())];
    for (int c = 0; c < out.channels(); c++) {
      for (int oy = 0; oy < out.height(); oy++) {
        for (int ox = 0; ox < out.width(); ox++) {
          double acc = p.max() ? Double.NEGATIVE_INFINITY : 0;
          for (int ky = 0; ky < p.kernel(); ky++) {
            for (int kx = 0; kx < p.kernel(); kx++) {
              float v =
                  x[(c * in.height() + oy * p.stride() + ky) * in.width() + ox * p.stride() + kx];
              acc = p.max() ? Math.max(acc, v) : acc + v;
            }
          }
          y[(c * out.height() + oy) * out.width() + ox] =
              (float) (p.max() ? acc : acc / (p.kernel() * p.kernel()));
        }
      }
    }
    return y;
  }

  private static float[] gap(Shape3 in, float[] x) {
    int plane = in.height() * in.width();
    float[] y = new float[in.channels()];
    for (int c = 0; c < in.channels(); c++) {
      double sum = 0;
      for (int i = 0; i < plane; i++) {
        sum += x[c * plane + i];
      }
      y[c] = (float) (sum / plane);
    }
    return y;
  }

  private float[] linear(Linear l, float[] input) {
    float[] x = hook.input(l, input);
    float[] weight = hook.weights(l, l.weight());
    int outs = l.bias().length;
    float[] y = new float[outs];
    for (int o = 0; o < outs; o++) {
      double sum = l.bias()[o];
      for (int i = 0; i < l.in(); i++) {
        sum += (double) weight[o * l.in() + i] * x[i];
      }
      y[o] = (float) sum;
    }
    return y;
  }

  private float[] squeezeExcite(SqueezeExcite se, float[] x) {
    Shape3 shape = se.output();
    float[] gate = conv(se.up(), relu(conv(se.down(), gap(shape, x))));
    int plane = shape.height() * shape.width();
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * (float) (1 / (1 + Math.exp(-gate[i / plane])));
    }
    return y;
  }

  private static float[] relu(float[] x) {
    float[] y = x.clone();
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.max(0f, y[i]);
    }
    return y;
  }

  private static float[] softmax(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : x) {
      sum += Math.exp(v - max);
    }
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) (Math.exp(x[i] - max) / sum);
    }
    return y;
  }

  static float[] logSoftmax(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : x) {
      sum += Math.exp(v - max);
    }
    double log = Math.log(sum) + max;
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) (x[i] - log);
    }
    return y;
  }

  /**
   * The output as log-probabilities, as the ONNX graph and the engine give them: the logarithm of a
   * probabilities head (clipped at 1e-12), else log-softmax of the scores (a no-op on values that
   * are log-probabilities already).
   */
  static float[] logProbabilities(float[] x, boolean probabilitiesHead) {
    if (!probabilitiesHead) {
      return logSoftmax(x);
    }
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) Math.log(Math.min(1f, Math.max(1e-12f, x[i])));
    }
    return y;
  }
}
