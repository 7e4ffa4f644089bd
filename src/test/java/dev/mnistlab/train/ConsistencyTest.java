package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsistencyTest {
  private static RunResult run(long seed, double... testAcc) {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int i = 0; i < testAcc.length; i++) {
      epochs.add(new EpochMetrics(i + 1, 0.01, 0.1, 99, 0.02, testAcc[i], 1, 1));
    }
    return new RunResult("m", "mnist", 1, 0, seed, 100, "e", "m", null, null, epochs);
  }

  @Test
  void perSeedAndOverSeedFigures() {
    Consistency c =
        Consistency.of(
            List.of(
                run(1, 98.0, 99.41, 99.40, 99.45, 99.43), run(2, 99.0, 99.2, 99.5, 99.39, 99.44)),
            99.40);
    assertThat(c.seeds().get(0)).isEqualTo(new Consistency.Seed(1, 99.45, 99.43, 99.40, 2, 3));
    assertThat(c.seeds().get(1)).isEqualTo(new Consistency.Seed(2, 99.5, 99.44, 99.39, 3, 2));
    assertThat(c.consistent()).isFalse();
    assertThat(c.best().min()).isEqualTo(99.45);
    assertThat(c.best().mean()).isCloseTo(99.475, within(1e-9));
    // Sample standard deviation of 99.45 and 99.5: 0.05/√2.
    assertThat(c.best().std()).isCloseTo(0.05 / Math.sqrt(2), within(1e-9));
    assertThat(c.minLast3().min()).isEqualTo(99.39);
    assertThat(c.toMarkdown()).contains("| 2 | 99.50 | 99.44 | 99.39 | 3 | 2/3 |").contains(": no");
  }

  @Test
  void consistentOnlyWhenEverySeedHoldsTheTargetInItsLastThreeEpochs() {
    Consistency c =
        Consistency.of(List.of(run(1, 99.4, 99.5, 99.6), run(2, 99.41, 99.42, 99.43)), 99.4);
    assertThat(c.consistent()).isTrue();
    assertThat(
            Consistency.of(List.of(run(3, 90, 91, 92)), 99.4).seeds().get(0).firstEpochAtTarget())
        .isZero();
  }
}
