package dev.mnistlab.engine;

import java.util.List;

/**
 * One convolution problem the engine self-check runs: a square input of {@code size}×{@code size}
 * pixels, {@code in} → {@code out} channels, a square kernel, and the stride, padding, dilation and
 * groups of PyTorch's {@code Conv2d}.
 *
 * @param name what the case stands for, as the self-check's figures name it
 */
public record ConvCase(
    String name,
    int batch,
    int in,
    int out,
    int size,
    int kernel,
    int stride,
    int padding,
    int dilation,
    int groups,
    boolean bias) {

  /**
   * The problems checked: one of each kind of convolution a model spec can ask for, at the sizes
   * the zoo's networks give them. The first two are the shapes that returned NaN input gradients on
   * AMD Zen 5 (oneDNN 3.7.1's {@code jit:avx512_core} backward-data kernel), kept at the batch size
   * that showed it; a single input channel runs a kernel of its own, so the first layer has a case
   * too.
   */
  public static final List<ConvCase> ALL =
      List.of(
          new ConvCase("3x3", 128, 8, 10, 26, 3, 1, 0, 1, 1, true),
          new ConvCase("3x3 padded", 128, 16, 18, 7, 3, 1, 1, 1, 1, false),
          new ConvCase("3x3 first layer", 32, 1, 8, 28, 3, 1, 0, 1, 1, false),
          new ConvCase("3x3 wide", 8, 64, 64, 7, 3, 1, 1, 1, 1, false),
          new ConvCase("3x3 one image", 1, 16, 16, 11, 3, 1, 0, 1, 1, false),
          new ConvCase("1x1", 32, 16, 8, 12, 1, 1, 0, 1, 1, false),
          new ConvCase("depthwise 3x3", 32, 16, 16, 12, 3, 1, 1, 1, 16, false),
          new ConvCase("grouped 3x3", 32, 16, 16, 12, 3, 1, 1, 1, 4, true),
          new ConvCase("strided 3x3", 32, 8, 16, 24, 3, 2, 1, 1, 1, true),
          new ConvCase("dilated 3x3", 32, 8, 8, 14, 3, 1, 2, 2, 1, false));

  /**
   * The problem in numbers, what is not the default named: {@code "128 x 16->18, 7x7, 3x3 padding
   * 1"}, {@code "32 x 8->16, 24x24, 3x3 stride 2 padding 1, bias"}.
   */
  public String shape() {
    return batch
        + " x "
        + in
        + "->"
        + out
        + ", "
        + size
        + "x"
        + size
        + ", "
        + kernel
        + "x"
        + kernel
        + (stride > 1 ? " stride " + stride : "")
        + (padding > 0 ? " padding " + padding : "")
        + (dilation > 1 ? " dilation " + dilation : "")
        + (groups > 1 ? " groups " + groups : "")
        + (bias ? ", bias" : "");
  }

  /** The output's height and width. */
  int outputSize() {
    return (size + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
  }
}
