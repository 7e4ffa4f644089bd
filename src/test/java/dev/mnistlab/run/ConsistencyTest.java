package dev.mnistlab.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mnistlab.io.Mappers;
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
    assertThat(c.seeds().get(0)).isEqualTo(new Consistency.Seed(1, 99.45, 99.43, 99.40, 2, 3, 3));
    assertThat(c.seeds().get(1)).isEqualTo(new Consistency.Seed(2, 99.5, 99.44, 99.39, 3, 2, 3));
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

  @Test
  void runsOfFewerThanThreeEpochsAreMeasuredOverTheEpochsTheyHave() {
    Consistency two = Consistency.of(List.of(run(1, 99.5, 99.41), run(2, 99.6, 99.3)), 99.4);
    // The minimum is over both epochs, not the first epoch reported as a last-3 figure.
    assertThat(two.seeds().get(0)).isEqualTo(new Consistency.Seed(1, 99.5, 99.41, 99.41, 1, 2, 2));
    assertThat(two.seeds().get(1).last3AtTarget()).isEqualTo(1);
    String md = two.toMarkdown();
    assertThat(md)
        .contains("| seed | best | final | min of last 2 | first epoch ≥ 99.40 | last 2 ≥ 99.40 |")
        .contains("| 1 | 99.50 | 99.41 | 99.41 | 1 | 2/2 |")
        .contains("| 2 | 99.60 | 99.30 | 99.30 | 1 | 1/2 |")
        .contains("each of its last 2 epochs): no")
        .doesNotContain("last 3")
        .doesNotContain("/3");

    Consistency one = Consistency.of(List.of(run(1, 99.5)), 99.4);
    assertThat(one.consistent()).isTrue();
    assertThat(one.toMarkdown())
        .contains("| 1 | 99.50 | 99.50 | n/a | 1 | 1/1 |")
        .contains("each of its last epoch): yes")
        .doesNotContain("min of last 1 over seeds")
        .doesNotContain("0/3");
  }

  @Test
  void consistencyFilesOfEarlierVersionsStillRead() throws Exception {
    // Written before last_epochs was recorded: the names stay, and a missing window means 3.
    String old =
        "{\"target\":99.4,\"seeds\":[{\"seed\":1,\"best\":99.5,\"final\":99.45,"
            + "\"min_last3\":99.41,\"first_epoch_at_target\":3,\"last3_at_target\":3}],"
            + "\"best\":{\"min\":99.5,\"mean\":99.5,\"std\":0},"
            + "\"final\":{\"min\":99.45,\"mean\":99.45,\"std\":0},"
            + "\"min_last3\":{\"min\":99.41,\"mean\":99.41,\"std\":0},\"consistent\":true}";
    Consistency read = Mappers.JSON.readValue(old, Consistency.class);
    assertThat(read.seeds().get(0).window()).isEqualTo(3);
    assertThat(read.toMarkdown()).contains("| 1 | 99.50 | 99.45 | 99.41 | 3 | 3/3 |");
    String written =
        Mappers.JSON.writeValueAsString(Consistency.of(List.of(run(1, 99.5, 99.6)), 99.4));
    assertThat(written).contains("\"min_last3\"", "\"last3_at_target\"", "\"last_epochs\" : 2");
  }
}
