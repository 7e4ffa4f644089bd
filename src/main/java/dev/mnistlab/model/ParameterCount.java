package dev.mnistlab.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Parameter counts by PyTorch's convention: trainable counts only what {@code sum(p.numel() for p
 * in model.parameters())} counts; BatchNorm running mean and variance, which DJL lists as
 * parameters too, are non-trainable.
 *
 * @param trainable weights the optimizer updates
 * @param nonTrainable running statistics and other buffers
 */
public record ParameterCount(long trainable, long nonTrainable) {

  /** Counts an initialized block's parameters. */
  public static ParameterCount of(Block block) {
    long trainable = 0;
    long fixed = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      long size = parameter.getArray().size();
      if (parameter.requiresGradient()) {
        trainable += size;
      } else {
        fixed += size;
      }
    }
    return new ParameterCount(trainable, fixed);
  }

  /** Builds the spec's network, initializes it for one input and counts its parameters. */
  public static ParameterCount of(ModelSpec spec) {
    try (NDManager manager = NDManager.newBaseManager()) {
      return of(BlockFactory.buildInitialized(spec, manager));
    }
  }
}
