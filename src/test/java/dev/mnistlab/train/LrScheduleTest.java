package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Learning rates must equal those PyTorch's schedulers produce for the same arguments. */
class LrScheduleTest {
  /**
   * {@code OneCycleLR(max_lr=0.2, total_steps=20, pct_start=0.2, div_factor=25,
   * final_div_factor=1e4, cycle_momentum=False)}: the lr before each of 20 steps, printed by
   * PyTorch 2.11.
   */
  private static final double[] PYTORCH_ONE_CYCLE = {
    0.008000000000000007,
    0.055999999999999994,
    0.152,
    0.2,
    0.1980785357262109,
    0.19238798369931567,
    0.18314702864240961,
    0.17071079527594227,
    0.15555720107386703,
    0.13826859016313606,
    0.11950935416548404,
    0.1000004,
    0.08049144583451599,
    0.06173220983686398,
    0.04444359892613302,
    0.02929000472405773,
    0.016853771357590388,
    0.007612816300684331,
    0.0019222642737891185,
    8e-07
  };

  /** {@code StepLR(lr=0.1, step_size=3, gamma=0.5)} stepped per epoch, 8 epochs. */
  private static final double[] PYTORCH_STEP = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025};

  @Test
  void oneCycleMatchesPyTorch() {
    LrSchedule schedule = LrSchedule.oneCycle(0.2, 20, 0.2, 25, 1e4);
    for (int step = 0; step < PYTORCH_ONE_CYCLE.length; step++) {
      assertThat(schedule.lr(step))
          .as("step %d", step)
          .isCloseTo(PYTORCH_ONE_CYCLE[step], within(1e-12));
    }
  }

  @Test
  void stepLrMatchesPyTorchWhenSteppedPerBatch() {
    int batchesPerEpoch = 7;
    TrainConfig d = TrainConfig.defaults();
    TrainConfig config =
        new TrainConfig(
            d.model(),
            d.dataset(),
            8,
            d.batchSize(),
            1,
            0,
            0,
            new TrainConfig.Optimizer("sgd", 0.1, 0.9, 0),
            new TrainConfig.Schedule("step", 0, 0, 0, 0, 3, 0.5),
            d.augment());
    LrSchedule schedule = LrSchedule.of(config, batchesPerEpoch);
    for (int epoch = 0; epoch < PYTORCH_STEP.length; epoch++) {
      for (int b = 0; b < batchesPerEpoch; b++) {
        assertThat(schedule.lr(epoch * batchesPerEpoch + b))
            .isCloseTo(PYTORCH_STEP[epoch], within(1e-15));
      }
    }
  }
}
