package dev.mnistlab.model;

/**
 * One layer of a model spec. Field meanings and defaults follow PyTorch's layer of the same name,
 * so a spec reads like the {@code nn.Sequential} a seed notebook would write.
 */
public sealed interface LayerSpec {
  /**
   * The keyword that introduces this layer in a spec file: the record's name in lower case, so a
   * new layer type cannot disagree with its keyword.
   */
  default String keyword() {
    return getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * 2-D convolution; square kernel, stride, padding and dilation. With {@code groups} > 1 the input
   * and output channels are split into that many groups, each convolved on its own, as PyTorch's
   * {@code Conv2d(groups=...)}: {@code groups} equal to the input channels and to {@code out} is a
   * depthwise convolution (one 3×3 filter per channel), which with a 1×1 conv after it makes a
   * depthwise-separable pair at a fraction of a full conv's parameters.
   */
  record Conv(int out, int kernel, int stride, int padding, int dilation, boolean bias, int groups)
      implements LayerSpec {

    /** An ordinary convolution (one group). */
    public Conv(int out, int kernel, int stride, int padding, int dilation, boolean bias) {
      this(out, kernel, stride, padding, dilation, bias, 1);
    }
  }

  /** Batch normalization over channels (learnable scale and shift, running statistics). */
  record BatchNorm() implements LayerSpec {}

  /** Rectified linear unit. */
  record Relu() implements LayerSpec {}

  /** Dropout with probability {@code p} of zeroing each activation while training. */
  record Dropout(double p) implements LayerSpec {}

  /** Max pooling with a square window. */
  record MaxPool(int kernel, int stride) implements LayerSpec {}

  /** Average pooling with a square window. */
  record AvgPool(int kernel, int stride) implements LayerSpec {}

  /** Global average pooling: C×H×W becomes C×1×1. */
  record Gap() implements LayerSpec {}

  /** Flattens C×H×W into one vector of C·H·W. */
  record Flatten() implements LayerSpec {}

  /** Fully connected layer. */
  record Linear(int units, boolean bias) implements LayerSpec {}

  /** Log-softmax over classes; training always applies it inside the loss, so it is idempotent. */
  record LogSoftmax() implements LayerSpec {}

  /**
   * Softmax over classes: the network outputs probabilities; training and evaluation take their
   * logarithm for the loss (see {@link ModelSpec#outputsProbabilities()}).
   */
  record Softmax() implements LayerSpec {}

  /**
   * Squeeze-and-excite: global average pool, a 1×1 conv down to C/reduction channels, ReLU, a 1×1
   * conv back to C, sigmoid, and the result scales the input channels. Shape is unchanged.
   */
  record SqueezeExcite(int reduction, boolean bias) implements LayerSpec {
    @Override
    public String keyword() {
      return "se";
    }

    /** Channels in the squeezed middle for an input of {@code channels}. */
    public int squeezed(int channels) {
      return Math.max(1, channels / reduction);
    }
  }
}
