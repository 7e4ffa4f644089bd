package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Updates must equal torch.optim's: weights after three steps of w = [0.5, −0.3] with gradients
 * [0.1t, −0.2 + 0.05t] and learning rates 0.1, 0.05, 0.02 (momentum/β1 0.9, weight decay 0.01),
 * printed by PyTorch 1.13.
 */
class TorchOptimizerTest {
  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  private static final double[] RATES = {0.1, 0.05, 0.02};

  private static float[][] steps(TrainConfig.Optimizer config) {
    TorchOptimizer optimizer = TorchOptimizer.of(config);
    float[][] after = new float[RATES.length][];
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray weight = manager.create(new float[] {0.5f, -0.3f});
      for (int t = 1; t <= RATES.length; t++) {
        optimizer.setLearningRate(RATES[t - 1]);
        NDArray grad = manager.create(new float[] {0.1f * t, -0.2f + 0.05f * t});
        optimizer.update("w", weight, grad);
        after[t - 1] = weight.toFloatArray();
      }
    }
    return after;
  }

  private static void assertSteps(TrainConfig.Optimizer config, double[][] pytorch) {
    float[][] ours = steps(config);
    for (int t = 0; t < pytorch.length; t++) {
      for (int i = 0; i < 2; i++) {
        assertThat((double) ours[t][i])
            .as("%s step %d weight %d", config, t + 1, i)
            .isCloseTo(pytorch[t][i], within(2e-7));
      }
    }
  }

  @Test
  void sgdWithMomentumAndWeightDecay() {
    assertSteps(
        new TrainConfig.Optimizer("sgd", 0.1, 0.9, 0.01),
        new double[][] {
          {0.4894999861717224, -0.2847000062465668},
          {0.47453024983406067, -0.2726726531982422},
          {0.46304622292518616, -0.2672882676124573}
        });
  }

  @Test
  void sgdNesterov() {
    assertSteps(
        new TrainConfig.Optimizer("sgd", 0.1, 0.9, 0.01, true),
        new double[][] {
          {0.4800499975681305, -0.2709300220012665},
          {0.4563414454460144, -0.2549761235713959},
          {0.4399193823337555, -0.24908460676670074}
        });
  }

  @Test
  void adam() {
    assertSteps(
        new TrainConfig.Optimizer("adam", 0.1, 0.9, 0.01),
        new double[][] {
          {0.4000000059604645, -0.20000001788139343},
          {0.35158827900886536, -0.15148241817951202},
          {0.33237096667289734, -0.1335884928703308}
        });
  }

  @Test
  void adamW() {
    assertSteps(
        new TrainConfig.Optimizer("adamw", 0.1, 0.9, 0.01),
        new double[][] {
          {0.3995000123977661, -0.19970004260540009},
          {0.35104113817214966, -0.1510825753211975},
          {0.33181092143058777, -0.1331799477338791}
        });
  }
}
