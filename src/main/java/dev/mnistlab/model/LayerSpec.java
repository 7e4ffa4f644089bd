package dev.mnistlab.model;

/**
 * One layer of a model spec. Field meanings and defaults follow PyTorch's layer of the same name,
 * so a spec reads like the {@code nn.Sequential} a seed notebook would write.
 */
public sealed interface LayerSpec {
  /** The keyword that introduces this layer in a spec file. */
  String keyword();

  /** 2-D convolution; square kernel, stride, padding and dilation. */
  record Conv(int out, int kernel, int stride, int padding, int dilation, boolean bias)
      implements LayerSpec {
    @Override
    public String keyword() {
      return "conv";
    }
  }

  /** Batch normalization over channels (learnable scale and shift, running statistics). */
  record BatchNorm() implements LayerSpec {
    @Override
    public String keyword() {
      return "batchnorm";
    }
  }

  /** Rectified linear unit. */
  record Relu() implements LayerSpec {
    @Override
    public String keyword() {
      return "relu";
    }
  }

  /** Dropout with probability {@code p} of zeroing each activation while training. */
  record Dropout(double p) implements LayerSpec {
    @Override
    public String keyword() {
      return "dropout";
    }
  }

  /** Max pooling with a square window. */
  record MaxPool(int kernel, int stride) implements LayerSpec {
    @Override
    public String keyword() {
      return "maxpool";
    }
  }

  /** Average pooling with a square window. */
  record AvgPool(int kernel, int stride) implements LayerSpec {
    @Override
    public String keyword() {
      return "avgpool";
    }
  }

  /** Global average pooling: C×H×W becomes C×1×1. */
  record Gap() implements LayerSpec {
    @Override
    public String keyword() {
      return "gap";
    }
  }

  /** Flattens C×H×W into one vector of C·H·W. */
  record Flatten() implements LayerSpec {
    @Override
    public String keyword() {
      return "flatten";
    }
  }

  /** Fully connected layer. */
  record Linear(int units, boolean bias) implements LayerSpec {
    @Override
    public String keyword() {
      return "linear";
    }
  }

  /** Log-softmax over classes; training always applies it inside the loss, so it is idempotent. */
  record LogSoftmax() implements LayerSpec {
    @Override
    public String keyword() {
      return "logsoftmax";
    }
  }
}
