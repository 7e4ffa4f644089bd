package dev.mnistlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import dev.mnistlab.config.TrainConfig;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD (momentum, Nesterov, weight decay), Adam and AdamW with the update rules of {@code
 * torch.optim}, whose per-parameter state can be saved in a checkpoint and restored.
 *
 * <p>DJL's own optimizers keep their state private, so a resumed run could not continue where it
 * stopped; DJL's SGD also scales the momentum buffer by the learning rate (MXNet's convention), so
 * the same recipe trained differently than in the PyTorch notebooks mnistlab reproduces, and its
 * Nesterov variant is not implemented for the PyTorch engine.
 *
 * <p>The training loop sets the learning rate and momentum before every step; DJL calls {@link
 * #update} once per parameter.
 */
public final class TorchOptimizer extends Optimizer {
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final String type;
  private final double weightDecay;
  private final boolean nesterov;
  private double lr;
  private double momentum;
  private final Map<String, Slot> slots = new LinkedHashMap<>();

  /** One parameter's state: optimizer steps taken and its buffers (momentum, or Adam's moments). */
  private static final class Slot {
    long steps;
    final NDArray[] buffers;

    Slot(NDArray[] buffers) {
      this.buffers = buffers;
    }
  }

  private TorchOptimizer(
      String type, double lr, double momentum, double weightDecay, boolean nest) {
    super(new NoOptions());
    this.type = type;
    this.lr = lr;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    this.nesterov = nest;
  }

  /** The optimizer a configuration names, at its base learning rate and momentum. */
  public static TorchOptimizer of(TrainConfig.Optimizer o) {
    return new TorchOptimizer(o.type(), o.lr(), o.momentum(), o.weightDecay(), o.nesterov());
  }

  /** Sets the learning rate of the next step. */
  public void setLearningRate(double lr) {
    this.lr = lr;
  }

  /** Sets SGD's momentum, or Adam's β1, for the next step (OneCycle cycles it). */
  public void setMomentum(double momentum) {
    this.momentum = momentum;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    Slot slot =
        slots.computeIfAbsent(
            parameterId, id -> new Slot(newBuffers(weight, "sgd".equals(type) ? 1 : 2)));
    slot.steps++;
    // Every temporary lives in this scope; the weight, gradient and buffers return to their own
    // managers when it closes, so nothing accumulates over thousands of steps.
    try (NDManager scope = weight.getManager().newSubManager()) {
      weight.tempAttach(scope);
      grad.tempAttach(scope);
      for (NDArray buffer : slot.buffers) {
        buffer.tempAttach(scope);
      }
      if ("sgd".equals(type)) {
        sgd(weight, grad, slot.buffers[0]);
      } else {
        adam(weight, grad, slot.buffers[0], slot.buffers[1], slot.steps);
      }
    }
    // PyTorch accumulates gradients; the next backward pass must start from zero.
    JniUtils.zeroGrad((PtNDArray) weight);
  }

  /** torch.optim.SGD with dampening 0: buf = m·buf + g; step = nesterov ? g + m·buf : buf. */
  private void sgd(NDArray weight, NDArray grad, NDArray buffer) {
    NDArray g = weightDecay == 0 ? grad : grad.add(weight.mul(weightDecay));
    NDArray direction = g;
    if (momentum != 0) {
      buffer.muli(momentum).addi(g);
      direction = nesterov ? g.add(buffer.mul(momentum)) : buffer;
    }
    weight.subi(direction.mul(lr));
  }

  /** torch.optim.Adam (L2 added to the gradient) or AdamW (decoupled decay of the weight). */
  private void adam(NDArray weight, NDArray grad, NDArray mean, NDArray variance, long step) {
    NDArray g = grad;
    if ("adamw".equals(type)) {
      weight.muli(1 - lr * weightDecay);
    } else if (weightDecay != 0) {
      g = grad.add(weight.mul(weightDecay));
    }
    mean.muli(momentum).addi(g.mul(1 - momentum));
    variance.muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
    double correction1 = 1 - Math.pow(momentum, step);
    double correction2 = 1 - Math.pow(BETA2, step);
    NDArray denominator = variance.sqrt().divi(Math.sqrt(correction2)).addi(EPS);
    weight.subi(mean.div(denominator).muli(lr / correction1));
  }

  private static NDArray[] newBuffers(NDArray weight, int count) {
    NDArray[] buffers = new NDArray[count];
    for (int i = 0; i < count; i++) {
      buffers[i] = weight.zerosLike();
    }
    return buffers;
  }

  /**
   * The state to checkpoint: every buffer named {@code parameter/index}, and the step counts.
   *
   * @param names stable parameter names by DJL parameter id (ids change on every build)
   */
  public State state(Map<String, String> names) {
    NDList buffers = new NDList();
    Map<String, Long> steps = new LinkedHashMap<>();
    slots.forEach(
        (id, slot) -> {
          String name = names.get(id);
          steps.put(name, slot.steps);
          for (int i = 0; i < slot.buffers.length; i++) {
            NDArray copy = slot.buffers[i].duplicate();
            copy.setName(name + "/" + i);
            buffers.add(copy);
          }
        });
    return new State(steps, buffers);
  }

  /**
   * Restores {@link #state}; the buffers become this optimizer's own.
   *
   * @param parameters this build's parameters by stable parameter name
   * @throws IllegalArgumentException when the state names a parameter this build lacks, lacks a
   *     buffer, or holds one of another shape: it was saved from another model
   */
  public void restore(State state, Map<String, Parameter> parameters) {
    Map<String, NDArray> byName = new HashMap<>();
    for (NDArray buffer : state.buffers()) {
      byName.put(buffer.getName(), buffer);
    }
    int count = "sgd".equals(type) ? 1 : 2;
    state
        .steps()
        .forEach(
            (name, steps) -> {
              Parameter parameter = parameters.get(name);
              if (parameter == null) {
                throw new IllegalArgumentException(
                    "optimizer state for " + name + ", which is not in the model");
              }
              Shape shape = parameter.getArray().getShape();
              NDArray[] buffers = new NDArray[count];
              for (int i = 0; i < count; i++) {
                buffers[i] = byName.get(name + "/" + i);
                if (buffers[i] == null) {
                  throw new IllegalArgumentException(
                      "optimizer state lacks buffer " + name + "/" + i);
                }
                if (!buffers[i].getShape().equals(shape)) {
                  throw new IllegalArgumentException(
                      "optimizer buffer "
                          + name
                          + "/"
                          + i
                          + " has shape "
                          + buffers[i].getShape()
                          + ", its parameter "
                          + shape);
                }
              }
              if (steps == null || steps < 0) {
                throw new IllegalArgumentException(
                    "optimizer steps for " + name + " are " + steps + ", not a count");
              }
              Slot slot = new Slot(buffers);
              slot.steps = steps;
              slots.put(parameter.getId(), slot);
            });
  }

  /**
   * Optimizer state by stable parameter name.
   *
   * @param steps updates applied to each parameter
   * @param buffers momentum or moment buffers, named {@code parameter/index}
   */
  public record State(Map<String, Long> steps, NDList buffers) {}

  /** DJL's base class wants a builder; every setting here lives in this class instead. */
  private static final class NoOptions extends OptimizerBuilder<NoOptions> {
    @Override
    protected NoOptions self() {
      return this;
    }
  }
}
