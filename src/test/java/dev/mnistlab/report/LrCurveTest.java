package dev.mnistlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import dev.mnistlab.train.LrSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-batch learning rate, computed from a run's saved configuration and checked. */
class LrCurveTest {
  private static TrainConfig config(TrainConfig.Schedule schedule, int epochs) {
    return TrainConfig.defaults().toBuilder()
        .model("tiny")
        .epochs(epochs)
        .batchSize(100)
        .threads(1)
        .schedule(schedule)
        .build();
  }

  /** A run of 1,000 images (10 batches per epoch) whose recorded rates are {@code lrs}. */
  private static RunResult run(double[] lrs, double[] testLosses) {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int e = 0; e < lrs.length; e++) {
      epochs.add(new EpochMetrics(e + 1, lrs[e], 1, 90, testLosses[e], 90, 1, 1000));
    }
    return new RunResult("tiny", "mnist", 10, 0, 1, 1000, "x", null, null, null, epochs);
  }

  @Test
  void oneCycleIsDrawnPerBatchThroughTheRecordedEpochEnds() {
    TrainConfig config = config(TrainConfig.Schedule.of("onecycle"), 4);
    LrSchedule schedule = LrSchedule.of(config, 10);
    double[] recorded = {schedule.lr(9), schedule.lr(19), schedule.lr(29), schedule.lr(39)};
    LrCurve curve = LrCurve.of(config, run(recorded, new double[] {1, 1, 1, 1}));

    assertThat(curve.perStep()).isTrue();
    assertThat(curve.x()).hasSize(40);
    assertThat(curve.x()[9]).isEqualTo(1.0);
    assertThat(Arrays.stream(curve.lr()).max().orElseThrow()).isCloseTo(0.2, within(1e-9));
    // Per epoch, the peak would be missed: the rate at epoch ends stays below it.
    assertThat(Arrays.stream(recorded).max().orElseThrow()).isLessThan(0.1995);
    assertThat(curve.note()).isEmpty();
  }

  @Test
  void ratesTheConfigurationDoesNotReproduceAreDrawnAsRecordedAndSaidSo() {
    TrainConfig config = config(TrainConfig.Schedule.of("constant"), 2);
    LrCurve curve = LrCurve.of(config, run(new double[] {0.01, 0.5}, new double[] {1, 1}));

    assertThat(curve.perStep()).isFalse();
    assertThat(curve.x()).containsExactly(1, 2);
    assertThat(curve.note()).contains("per epoch as recorded").contains("0.5");
  }

  @Test
  void plateauIsReplayedFromTheRecordedTestLosses() {
    TrainConfig.Schedule p = TrainConfig.Schedule.of("plateau");
    TrainConfig.Schedule plateau =
        new TrainConfig.Schedule(
            "plateau",
            p.maxLr(),
            p.pctStart(),
            p.divFactor(),
            p.finalDivFactor(),
            p.anneal(),
            p.stepSize(),
            p.gamma(),
            p.milestones(),
            p.tMax(),
            p.etaMin(),
            p.startFactor(),
            p.totalIters(),
            0.5,
            0,
            p.threshold(),
            p.minLr(),
            false,
            0.85,
            0.95);
    TrainConfig config = config(plateau, 3);
    // The loss stalls after epoch 1, so epoch 3 runs at half the rate.
    LrCurve curve =
        LrCurve.of(config, run(new double[] {0.01, 0.01, 0.005}, new double[] {1, 2, 3}));

    assertThat(curve.perStep()).isTrue();
    assertThat(curve.lr()[25]).isEqualTo(0.005);
    assertThat(curve.note()).contains("replayed from the recorded test losses");
  }
}
