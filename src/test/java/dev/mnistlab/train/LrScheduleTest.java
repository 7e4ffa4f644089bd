package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
  void oneCycleMatchesPyTorch() throws Exception {
    LrSchedule schedule = new LrSchedule.OneCycle(parse("type: onecycle\n"), 20);
    for (int step = 0; step < PYTORCH_ONE_CYCLE.length; step++) {
      assertThat(schedule.lr(step))
          .as("step %d", step)
          .isCloseTo(PYTORCH_ONE_CYCLE[step], within(1e-12));
    }
  }

  @Test
  void stepLrMatchesPyTorchWhenSteppedPerBatch() throws Exception {
    int batchesPerEpoch = 7;
    TrainConfig d = TrainConfig.defaults();
    TrainConfig config =
        TrainConfig.defaults().toBuilder()
            .dataset(d.dataset())
            .epochs(8)
            .batchSize(d.batchSize())
            .optimizer(new TrainConfig.Optimizer("sgd", 0.1, 0.9, 0))
            .schedule(parse("type: step\nstep_size: 3\ngamma: 0.5\n"))
            .build();
    LrSchedule schedule = LrSchedule.of(config, batchesPerEpoch);
    for (int epoch = 0; epoch < PYTORCH_STEP.length; epoch++) {
      for (int b = 0; b < batchesPerEpoch; b++) {
        assertThat(schedule.lr(epoch * batchesPerEpoch + b))
            .isCloseTo(PYTORCH_STEP[epoch], within(1e-15));
      }
    }
  }

  /** The lr before each epoch of PyTorch's scheduler with base lr 0.1, stepped per epoch. */
  private static void assertEpochs(TrainConfig.Schedule schedule, int epochs, double... pytorch) {
    TrainConfig d = TrainConfig.defaults();
    TrainConfig config =
        TrainConfig.defaults().toBuilder()
            .dataset(d.dataset())
            .epochs(epochs)
            .batchSize(d.batchSize())
            .optimizer(new TrainConfig.Optimizer("sgd", 0.1, 0.9, 0))
            .schedule(schedule)
            .build()
            .validate();
    int batches = 5;
    LrSchedule lr = LrSchedule.of(config, batches);
    for (int epoch = 0; epoch < pytorch.length; epoch++) {
      for (int b = 0; b < batches; b++) {
        assertThat(lr.lr(epoch * batches + b))
            .as("epoch %d", epoch)
            .isCloseTo(pytorch[epoch], within(1e-12));
      }
    }
  }

  @TempDir Path tmp;

  /** A schedule as a configuration file states it, read by the same code users run. */
  private TrainConfig.Schedule parse(String yaml) throws Exception {
    String indented = "schedule:\n  " + yaml.strip().replace("\n", "\n  ") + "\n";
    return TrainConfigs.load(Files.writeString(tmp.resolve("s.yaml"), indented)).schedule();
  }

  @Test
  void multiStepMatchesPyTorch() throws Exception {
    // MultiStepLR(milestones=[2, 5], gamma=0.1)
    assertEpochs(
        parse("type: multistep\nmilestones: [2, 5]\ngamma: 0.1\n"),
        7,
        0.1,
        0.1,
        0.010000000000000002,
        0.010000000000000002,
        0.010000000000000002,
        0.0010000000000000002,
        0.0010000000000000002);
  }

  @Test
  void cosineMatchesPyTorch() throws Exception {
    // CosineAnnealingLR(T_max=6, eta_min=0.001)
    assertEpochs(
        parse("type: cosine\nt_max: 6\neta_min: 0.001\n"),
        7,
        0.1,
        0.09336825748732973,
        0.07525000000000001,
        0.0505,
        0.025750000000000012,
        0.007631742512670284,
        0.001);
  }

  @Test
  void linearWarmUpMatchesPyTorch() throws Exception {
    // LinearLR(start_factor=0.25, total_iters=4)
    assertEpochs(
        parse("type: linear\nstart_factor: 0.25\ntotal_iters: 4\n"),
        6,
        0.025,
        0.043750000000000004,
        0.06250000000000001,
        0.08125000000000002,
        0.10000000000000002,
        0.10000000000000002);
  }

  @Test
  void oneCycleLinearAnnealMatchesPyTorch() throws Exception {
    // OneCycleLR(max_lr=0.2, total_steps=10, pct_start=0.3, anneal_strategy="linear")
    double[] pytorch = {
      0.008,
      0.10400000000000001,
      0.2,
      0.1714286857142857,
      0.14285737142857144,
      0.11428605714285715,
      0.08571474285714287,
      0.05714342857142857,
      0.028572114285714295,
      7.99999999995249e-07
    };
    LrSchedule schedule =
        new LrSchedule.OneCycle(parse("type: onecycle\npct_start: 0.3\nanneal: linear\n"), 10);
    for (int step = 0; step < pytorch.length; step++) {
      assertThat(schedule.lr(step)).as("step %d", step).isCloseTo(pytorch[step], within(1e-12));
    }
  }

  @Test
  void plateauMatchesPyTorch() {
    // ReduceLROnPlateau(factor=0.5, patience=1, threshold=1e-4, min_lr=0.01), lr after each step.
    double[] losses = {1.0, 0.9, 0.9, 0.9, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85};
    double[] pytorch = {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125};
    LrSchedule plateau = new LrSchedule.Plateau(0.1, 0.5, 1, 1e-4, 0.01);
    for (int epoch = 0; epoch < losses.length; epoch++) {
      plateau.epochEnded(losses[epoch]);
      assertThat(plateau.lr(0)).as("epoch %d", epoch).isCloseTo(pytorch[epoch], within(1e-15));
    }
  }

  @Test
  void oneCycleCyclesMomentumAsPyTorch() throws Exception {
    // OneCycleLR(max_lr=0.2, total_steps=10, pct_start=0.3) with its default cycle_momentum=True,
    // base_momentum=0.85, max_momentum=0.95: the optimizer's momentum before each step.
    double[] pytorch = {
      0.95,
      0.8999999999999999,
      0.85,
      0.854951556604879,
      0.8688255099070633,
      0.8888739533021842,
      0.9111260466978157,
      0.9311744900929366,
      0.945048443395121,
      0.95
    };
    LrSchedule cycling =
        new LrSchedule.OneCycle(parse("type: onecycle\npct_start: 0.3\ncycle_momentum: true"), 10);
    LrSchedule fixed = new LrSchedule.OneCycle(parse("type: onecycle\npct_start: 0.3"), 10);
    for (int step = 0; step < pytorch.length; step++) {
      assertThat(cycling.momentum(step, 0.9))
          .as("step %d", step)
          .isCloseTo(pytorch[step], within(1e-12));
      assertThat(fixed.momentum(step, 0.9)).isEqualTo(0.9);
    }
  }
}
