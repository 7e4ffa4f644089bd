package dev.mnistlab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.data.Augmentation;
import dev.mnistlab.io.Mappers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchTest {
  @Test
  void theTargetIsReachedAtTheEpochThatCompletesTheStreak() {
    List<Double> acc = List.of(99.0, 99.41, 99.38, 99.40, 99.45, 99.5);
    assertThat(Bench.reachedAt(acc, 99.40, 2)).isEqualTo(5);
    assertThat(Bench.reachedAt(acc, 99.40, 1)).isEqualTo(2);
    assertThat(Bench.reachedAt(acc, 99.60, 1)).isEqualTo(-1);
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    // Two rounds of 3,000 and 4,000 images/s are 3,500, not the faster round.
    assertThat(new Bench.Measure("x", "y", "images/s", List.of(4000.0, 3000.0), "").median())
        .isEqualTo(3500.0);
    assertThat(new Bench.Measure("x", "y", "s", List.of(5.0, 1.0, 3.0), "").median())
        .isEqualTo(3.0);
  }

  @Test
  void throughputLeavesTheFirstEpochOut() {
    assertThat(Bench.steady(List.of(100.0, 300.0, 200.0, 400.0))).isEqualTo(300.0);
    assertThat(Bench.steady(List.of(100.0))).isEqualTo(100.0);
  }

  @Test
  void aTallyGivesMnistlabFirstThenTheFlavoursWithTheirNotesJoined() {
    Tally tally =
        new Tally("seconds to target, m", "s", List.of(PytorchReference.Flavour.values()));
    tally.add("PyTorch tuned", 120.0, "epoch 9");
    tally.add(Bench.MNISTLAB, 100.0, "epoch 7");
    tally.add(Bench.MNISTLAB, Double.NaN, "not reached");
    assertThat(tally.measures())
        .extracting(Bench.Measure::who, Bench.Measure::values, Bench.Measure::note)
        .containsExactly(
            tuple(Bench.MNISTLAB, List.of(100.0, Double.NaN), "epoch 7, not reached"),
            tuple("PyTorch seed-style", List.of(), ""),
            tuple("PyTorch tuned", List.of(120.0), "epoch 9"));
    Tally alone = new Tally("training images/s, m", "images/s", List.of());
    alone.add(Bench.MNISTLAB, 3000.0);
    assertThat(alone.measures())
        .containsExactly(
            new Bench.Measure(
                "training images/s, m", Bench.MNISTLAB, "images/s", List.of(3000.0), ""));
  }

  @Test
  void theTableGivesMediansRangesAndRatios() {
    Bench.Report report =
        new Bench.Report(
            "test machine",
            2,
            300,
            List.of(
                new Bench.Measure(
                    "training images/s, m",
                    Bench.MNISTLAB,
                    "images/s",
                    List.of(3000.0, 4000.0, 3500.0),
                    ""),
                new Bench.Measure(
                    "training images/s, m",
                    "PyTorch tuned",
                    "images/s",
                    List.of(3500.0, 3500.0, 3600.0),
                    ""),
                new Bench.Measure(
                    "achieved training GFLOP/s, m", Bench.MNISTLAB, "GFLOP/s", List.of(30.0), ""),
                new Bench.Measure(
                    "seconds to target, m", Bench.MNISTLAB, "s", List.of(200.0), "epoch 12"),
                new Bench.Measure(
                    "seconds to target, m",
                    "PyTorch tuned",
                    "s",
                    List.of(Double.NaN),
                    "not reached")));
    String table = BenchTable.markdown(report);
    assertThat(table)
        .contains(
            "| training images/s, m | images/s | 3,500 (3,000–4,000) | 3,500 (3,500–3,600) | 1.00× |")
        .contains("| achieved training GFLOP/s, m | GFLOP/s | 30.0 |  |  | 10.0% of peak |")
        .contains(
            "| seconds to target, m | s | 200.0 | — | — | epoch 12; PyTorch tuned: not reached |");
  }

  @Test
  void aTargetNotReachedCountsAsSlowestAndIsLeftOutOfTheRange() {
    double no = Double.NaN;
    Bench.Report report =
        new Bench.Report(
            "test machine",
            2,
            300,
            List.of(
                new Bench.Measure(
                    "seconds to target, m",
                    Bench.MNISTLAB,
                    "s",
                    List.of(90.0, 140.0, 95.0, 100.0, 130.0),
                    ""),
                new Bench.Measure(
                    "seconds to target, m",
                    "seed-style",
                    "s",
                    List.of(300.0, no, 330.0, 280.0, 270.0),
                    ""),
                new Bench.Measure(
                    "seconds to target, m", "tuned", "s", List.of(101.0, no, no, 133.0, no), ""),
                new Bench.Measure("seconds to target, m", "never", "s", List.of(no, no), "")));
    assertThat(BenchTable.markdown(report))
        .contains(
            "| seconds to target, m | s | 100.0 (90.0–140.0) | 300.0 (270.0–330.0; 1 of 5 not"
                + " reached) | — (101.0–133.0; 3 of 5 not reached) | — (2 of 2 not reached) |"
                + " 0.33× | — | — |");
  }

  @Test
  void theReplicaRefusesWhatItDoesNotReproduce() {
    TrainConfig d = TrainConfig.defaults();
    PytorchReference.checkReplicable(d);
    TrainConfig cutout =
        TrainConfig.defaults().toBuilder()
            .dataset(d.dataset())
            .epochs(d.epochs())
            .batchSize(d.batchSize())
            .seed(d.seed())
            .limit(d.limit())
            .threads(d.threads())
            .augment(new Augmentation(7, 0, 0, 0, 0, 0, 0, 0, 0, 1, 8, 0))
            .stop(d.stop())
            .build();
    assertThatThrownBy(() -> PytorchReference.checkReplicable(cutout))
        .hasMessageStartingWith("the PyTorch replica reproduces bilinear rotation only");
    // Nearest-pixel rotation is torchvision's own default, but not what the replica runs.
    Augmentation nearest =
        new Augmentation(
            7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Augmentation.Interpolation.NEAREST, List.of());
    assertThatThrownBy(
            () ->
                PytorchReference.checkReplicable(
                    TrainConfigs.override(
                        d,
                        Mappers.YAML.valueToTree(
                            java.util.Map.of("augment", Mappers.YAML.valueToTree(nearest))),
                        "test")))
        .hasMessageStartingWith("the PyTorch replica reproduces bilinear rotation only");
    assertThatThrownBy(() -> new PytorchReference(Path.of("/nonexistent/python3"), Path.of("x.py")))
        .hasMessageContaining("/nonexistent/python3 not found")
        .hasMessageContaining("python3-torch");
  }
}
