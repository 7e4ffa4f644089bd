package dev.mnistlab.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.UniformInitializer;
import java.util.List;

/** Turns a {@link ModelSpec} into a DJL block, one DJL layer per spec layer, in order. */
public final class BlockFactory {
  private BlockFactory() {}

  /**
   * Builds the network. Its output is always flattened to N×10 class scores, so a spec may end with
   * a 10×1×1 convolution after global average pooling, as the seed systems do.
   */
  public static Block build(ModelSpec spec) {
    SequentialBlock net = new SequentialBlock();
    List<ModelSpec.Shape3> shapes = Shapes.infer(spec);
    for (int i = 0; i < spec.layers().size(); i++) {
      net.add(block(spec.layers().get(i), i == 0 ? spec.inputShape() : shapes.get(i - 1)));
    }
    net.add(Blocks.batchFlattenBlock());
    return net;
  }

  /**
   * Builds the network and initializes its parameters for one input of the spec's shape, in {@code
   * manager}; the form counting, summarizing and checking a spec need.
   */
  public static Block buildInitialized(ModelSpec spec, NDManager manager) {
    Block net = build(spec);
    ModelSpec.Shape3 in = spec.inputShape();
    net.initialize(manager, DataType.FLOAT32, new Shape(1, in.channels(), in.height(), in.width()));
    return net;
  }

  /**
   * The input times a per-channel gate computed from the input's global average: GAP, 1×1 conv to
   * C/r, ReLU, 1×1 conv back to C, sigmoid.
   */
  private static Block squeezeExcite(LayerSpec.SqueezeExcite se, int channels) {
    SequentialBlock gate =
        new SequentialBlock()
            .add(gap())
            .add(conv1x1(channels, se.squeezed(channels), se.bias()))
            .add(Activation.reluBlock())
            .add(conv1x1(se.squeezed(channels), channels, se.bias()))
            .add(Activation::sigmoid);
    return new ParallelBlock(
        branches ->
            new NDList(branches.get(0).singletonOrThrow().mul(branches.get(1).singletonOrThrow())),
        List.of(Blocks.identityBlock(), gate));
  }

  private static Block conv1x1(int in, int out, boolean bias) {
    return torchBias(
        Conv2d.builder().setFilters(out).setKernelShape(new Shape(1, 1)).optBias(bias).build(),
        bias,
        in);
  }

  /**
   * Gives {@code layer}'s bias PyTorch's default initialization, U(±1/sqrt(fan_in)), instead of
   * DJL's zeros (weights get PyTorch's scale from the trainer's initializer). It matters for the
   * seed networks that keep biases: their first steps start where PyTorch's did.
   */
  private static Block torchBias(Block layer, boolean bias, long fanIn) {
    if (bias) {
      layer.setInitializer(
          new UniformInitializer((float) (1 / Math.sqrt(fanIn))), Parameter.Type.BIAS);
    }
    return layer;
  }

  private static Block gap() {
    // DJL's PyTorch engine keeps dimensions for one axis at a time, hence two means.
    return new LambdaBlock(
        x -> new NDList(x.singletonOrThrow().mean(new int[] {3}, true).mean(new int[] {2}, true)),
        "gap");
  }

  /** One DJL layer for {@code layer}, whose input has the shape {@code in}. */
  private static Block block(LayerSpec layer, ModelSpec.Shape3 in) {
    int channels = in.channels();
    if (layer instanceof LayerSpec.Conv c) {
      return torchBias(
          Conv2d.builder()
              .setFilters(c.out())
              .setKernelShape(new Shape(c.kernel(), c.kernel()))
              .optStride(new Shape(c.stride(), c.stride()))
              .optPadding(new Shape(c.padding(), c.padding()))
              .optDilation(new Shape(c.dilation(), c.dilation()))
              .optBias(c.bias())
              .optGroups(c.groups())
              .build(),
          c.bias(),
          (long) channels / c.groups() * c.kernel() * c.kernel());
    }
    if (layer instanceof LayerSpec.BatchNorm) {
      // DJL's momentum 0.9 is PyTorch's momentum 0.1: both keep 90% of the old running value.
      return BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
    }
    if (layer instanceof LayerSpec.Relu) {
      return Activation.reluBlock();
    }
    if (layer instanceof LayerSpec.Dropout d) {
      return Dropout.builder().optRate((float) d.p()).build();
    }
    if (layer instanceof LayerSpec.MaxPool p) {
      return Pool.maxPool2dBlock(
          new Shape(p.kernel(), p.kernel()), new Shape(p.stride(), p.stride()));
    }
    if (layer instanceof LayerSpec.AvgPool p) {
      return Pool.avgPool2dBlock(
          new Shape(p.kernel(), p.kernel()), new Shape(p.stride(), p.stride()));
    }
    if (layer instanceof LayerSpec.Gap) {
      // Keep C×1×1 (DJL's global pool drops the spatial axes) so a 1×1 conv can follow.
      return gap();
    }
    if (layer instanceof LayerSpec.Flatten) {
      return Blocks.batchFlattenBlock();
    }
    if (layer instanceof LayerSpec.Linear l) {
      return torchBias(
          Linear.builder().setUnits(l.units()).optBias(l.bias()).build(), l.bias(), in.size());
    }
    if (layer instanceof LayerSpec.Softmax) {
      return new LambdaBlock(x -> new NDList(x.singletonOrThrow().softmax(1)), "softmax");
    }
    if (layer instanceof LayerSpec.SqueezeExcite se) {
      return squeezeExcite(se, channels);
    }
    if (layer instanceof LayerSpec.LogSoftmax) {
      return new LambdaBlock(x -> new NDList(x.singletonOrThrow().logSoftmax(1)), "logsoftmax");
    }
    throw new IllegalArgumentException("no block for " + layer);
  }
}
