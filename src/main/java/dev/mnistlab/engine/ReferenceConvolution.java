package dev.mnistlab.engine;

/**
 * A 2-D convolution in plain Java and double precision: the forward pass, the gradient of the input
 * (backward data), and the gradients of the weights and bias (backward weights) for a given
 * upstream gradient. Written as the definition reads, one loop nest, so that nothing it computes
 * shares code with the engine it checks. Layouts are PyTorch's: NCHW input, {@code [out, in /
 * groups, k, k]} weights.
 */
final class ReferenceConvolution {
  private ReferenceConvolution() {}

  /** The result of one reference pass; arrays in the engine's layouts. */
  record Result(
      double[] output, double[] inputGradient, double[] weightGradient, double[] biasGradient) {}

  /**
   * Computes the convolution of {@code x} by {@code w} (plus {@code bias}) and, for the upstream
   * gradient {@code gy} of the output, the gradients of {@code x}, {@code w} and {@code bias}.
   */
  static Result compute(ConvCase c, float[] x, float[] w, float[] bias, float[] gy) {
    int n = c.batch();
    int in = c.in();
    int out = c.out();
    int k = c.kernel();
    int h = c.size();
    int oh = c.outputSize();
    int inPerGroup = in / c.groups();
    int outPerGroup = out / c.groups();
    double[] y = new double[n * out * oh * oh];
    double[] dx = new double[x.length];
    double[] dw = new double[w.length];
    double[] db = new double[out];
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < out; o++) {
        int group = o / outPerGroup;
        int outBase = ((b * out) + o) * oh * oh;
        for (int p = 0; p < oh * oh; p++) {
          y[outBase + p] = bias[o];
          db[o] += gy[outBase + p];
        }
        for (int i = 0; i < inPerGroup; i++) {
          int channel = group * inPerGroup + i;
          int inBase = ((b * in) + channel) * h * h;
          for (int kh = 0; kh < k; kh++) {
            for (int kw = 0; kw < k; kw++) {
              int wIndex = ((o * inPerGroup + i) * k + kh) * k + kw;
              double weight = w[wIndex];
              double weightGradient = 0;
              for (int r = 0; r < oh; r++) {
                int row = r * c.stride() - c.padding() + kh * c.dilation();
                if (row < 0 || row >= h) {
                  continue;
                }
                for (int s = 0; s < oh; s++) {
                  int col = s * c.stride() - c.padding() + kw * c.dilation();
                  if (col < 0 || col >= h) {
                    continue;
                  }
                  int xi = inBase + row * h + col;
                  int yi = outBase + r * oh + s;
                  y[yi] += x[xi] * weight;
                  dx[xi] += gy[yi] * weight;
                  weightGradient += (double) gy[yi] * x[xi];
                }
              }
              dw[wIndex] += weightGradient;
            }
          }
        }
      }
    }
    return new Result(y, dx, dw, db);
  }
}
