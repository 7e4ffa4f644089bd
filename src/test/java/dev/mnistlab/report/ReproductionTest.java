package dev.mnistlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.experiment.Experiment;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReproductionTest {
  /** A run of one seed whose test accuracy per epoch is {@code test}; train is test minus 0.2. */
  private static RunResult run(long seed, double... test) {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int i = 0; i < test.length; i++) {
      epochs.add(new EpochMetrics(i + 1, 0.01, 0.1, test[i] - 0.2, 0.1, test[i], 1, 1));
    }
    return new RunResult("m", "mnist", 1, 0, seed, 100, "e", "m", null, null, epochs);
  }

  private static Experiment.Reported reported(double bestTest, Integer heldFrom) {
    return new Experiment.Reported(null, null, bestTest, null, heldFrom, null);
  }

  private final List<RunResult> seeds =
      List.of(
          run(1, 99.0, 99.41, 99.30, 99.42, 99.45), // best 99.45, held from 4
          run(2, 99.0, 99.20, 99.41, 99.40, 99.43), // best 99.43, held from 3
          run(3, 99.0, 99.30, 99.35, 99.38, 99.50)); // best 99.50, held from 5

  @Test
  void aFigureInsideTheSeedsRangeIsReproduced() {
    Reproduction r = Reproduction.of(reported(99.47, 4), seeds);
    assertThat(r.seeds()).isEqualTo(3);
    assertThat(r.bestTest().text()).isEqualTo("99.43–99.50 (mean 99.46)");
    assertThat(r.bestTestVerdict()).isEqualTo("reproduced");
    assertThat(r.heldFrom()).containsExactly(4, 3, 5);
    assertThat(r.heldVerdict()).isEqualTo("reproduced");
    assertThat(r.bestTrainVerdict()).isEqualTo("untestable");
    // Only seed 2 reached 99.40 in each of its last 3 epochs (99.41, 99.40, 99.43).
    assertThat(r.holdingLast3()).isEqualTo(1);
    assertThat(r.holdingText()).isEqualTo("1 of 3");
  }

  @Test
  void aFigureAboveEverySeedIsNotReproducedAndOneBelowIsExceeded() {
    assertThat(Reproduction.of(reported(99.56, 2), seeds).bestTestVerdict())
        .isEqualTo("not reproduced");
    // Printed to two decimals: 99.505 still counts as inside.
    assertThat(Reproduction.of(reported(99.505, 2), seeds).bestTestVerdict())
        .isEqualTo("reproduced");
    assertThat(Reproduction.of(reported(99.40, 2), seeds).bestTestVerdict()).isEqualTo("exceeded");
    // The author held from epoch 2, earlier than any seed: not reproduced; from 5 or later, every
    // seed held at least as long, and from 6 every seed held longer.
    assertThat(Reproduction.of(reported(99.45, 2), seeds).heldVerdict())
        .isEqualTo("not reproduced");
    assertThat(Reproduction.of(reported(99.45, 6), seeds).heldVerdict()).isEqualTo("exceeded");
  }

  @Test
  void aSeedThatEndsBelowTheBarNeverHeldAndBlocksExceeded() {
    List<RunResult> withFailure = new ArrayList<>(seeds);
    withFailure.add(run(4, 99.0, 99.45, 99.45, 99.45, 99.39));
    Reproduction r = Reproduction.of(reported(99.45, 5), withFailure);
    assertThat(r.heldText()).isEqualTo("4, 3, 5, never");
    assertThat(r.heldVerdict()).isEqualTo("reproduced");
    assertThat(Reproduction.of(reported(99.45, 9), withFailure).heldVerdict())
        .isEqualTo("reproduced");
    assertThatThrownBy(() -> Reproduction.of(reported(99.45, 5), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
