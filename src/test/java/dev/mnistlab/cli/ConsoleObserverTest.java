package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.run.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a person sees of a training run on the console. */
class ConsoleObserverTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final ConsoleObserver console =
      new ConsoleObserver(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static RunResult run(long nonTrainable, double... testAcc) {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int i = 0; i < testAcc.length; i++) {
      epochs.add(
          new EpochMetrics(i + 1, 8e-7, 0.1, 99, 0.02, testAcc[i], 10, 6000, 12.5 * (i + 1), 1));
    }
    return new RunResult(
        "mnistlab/compact",
        "mnist",
        7900,
        nonTrainable,
        1,
        60000,
        "e",
        "m",
        null,
        Path.of("runs/x"),
        epochs);
  }

  @Test
  void aShortRunSaysHowManyEpochsItsLastMinimumCovers() {
    console.summary(run(96, 99.1, 99.3), Path.of("runs/x"));
    console.summary(run(0, 99.2), null);
    String out = printed();
    assertThat(out)
        .contains(
            "mnistlab/compact: 7,900 trainable parameters (+96 BatchNorm statistics) · best test"
                + " 99.30% · last-2 min 99.10% · final 99.30%\nsaved to runs/x\n")
        .contains("its report: ./mnistlab report runs/x")
        .contains("mnistlab/compact: 7,900 trainable parameters · best test 99.20% · final 99.20%")
        .doesNotContain("last-3")
        .doesNotContain("+0 ");
  }

  @Test
  void eachRowHasTheTrainingSecondsAndTheWallClockAndOldRowsSayNa() {
    console.epochDone(run(0, 99.1).last());
    console.epochDone(new EpochMetrics(2, 0.0125, 0.1, 99, 0.02, 99.2, 10, 6000));
    String[] lines = printed().split("\n");
    assertThat(lines[0]).isEqualTo(ConsoleObserver.COLUMNS).contains("train_s", "wall");
    assertThat(lines[1]).contains("8.00e-07").endsWith("12.5").doesNotContain("E-");
    assertThat(lines[2]).contains("0.01250").endsWith("n/a");
    assertThat(lines[1]).hasSameSizeAs(ConsoleObserver.COLUMNS);
  }

  @Test
  void aCompleteRunIsShownRatherThanAnEmptyTable() {
    var spec = ModelSpecParser.parse(SyntheticData.TINY_MODEL, "tiny.yaml");
    TrainConfig one = TrainConfig.defaults().withRun(1, 0);
    console.header(
        Recipe.of(
            TrainConfig.defaults().toBuilder()
                .model(one.model())
                .dataset(one.dataset())
                .epochs(1)
                .optimizer(one.optimizer())
                .schedule(one.schedule())
                .augment(one.augment())
                .stop(one.stop())
                .build(),
            spec),
        SyntheticData.bands(8),
        Path.of("runs/x"));
    console.alreadyComplete(run(0, 99.2, 99.4, 99.5));
    String out = printed();
    assertThat(out).contains("· 1 epoch ·").doesNotContain("1 epochs");
    assertThat(out)
        .contains("runs/x already holds this run, complete (3 epochs); nothing to train.")
        .contains(ConsoleObserver.COLUMNS);
    assertThat(out.lines().filter(l -> l.matches("\\s+[123]  .*"))).hasSize(3);
  }
}
