package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trainings in processes of their own, as users run them: the same seed gives the same numbers in
 * two processes, and a machine whose fast convolution kernels are wrong (simulated here by the
 * self-check's test setting) trains correctly on the backend the self-check chooses, says so in one
 * line and records it, with none of the engine's native warnings on the terminal.
 */
@Tag("integration")
class SeparateProcessesTest {
  @TempDir static Path tmp;

  /** A training on the backend the self-check chose, shared by the tests that compare with it. */
  private static Child chosen;

  private Child chosen() throws IOException, InterruptedException {
    if (chosen == null) {
      chosen = train("chosen", Map.of());
    }
    return chosen;
  }

  /** A finished child process: its exit code and what it printed. */
  record Child(int exitCode, List<String> out, String err) {
    List<String> epochs() {
      return out.stream().filter(line -> line.startsWith("epoch ")).toList();
    }

    String engine() {
      return out.stream().filter(line -> line.startsWith("engine: ")).findFirst().orElse("");
    }

    /** The training loss of each epoch. */
    List<Double> trainLosses() {
      return epochs().stream().map(line -> Double.parseDouble(line.split(" ")[3])).toList();
    }
  }

  private Child train(String name, Map<String, String> env, String... jvmOptions)
      throws IOException, InterruptedException {
    ChildProcess.Outcome o =
        ChildProcess.run(
            tmp,
            name,
            env,
            List.of(jvmOptions),
            ProcessTraining.class,
            tmp.resolve(name).toString());
    return new Child(o.exitCode(), o.out(), o.err());
  }

  @Test
  void theSameSeedInTwoProcessesGivesIdenticalNumbersEpochByEpoch() throws Exception {
    Child a = chosen();
    Child b = train("b", Map.of());
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.epochs()).hasSize(2);
    assertThat(a.trainLosses()).allSatisfy(loss -> assertThat(loss).isFinite());
    assertThat(b.epochs()).isEqualTo(a.epochs());
    assertThat(b.engine()).isEqualTo(a.engine()).contains("convolutions: ");
  }

  @Test
  void wrongBackwardKernelsAreAvoidedSaidOnceRecordedAndTrainAsTheRightOnesDo() throws Exception {
    Child fast = chosen();
    Child fallback = train("fallback", Map.of(), "-Dmnistlab.engine.simulate=backward-data");
    assertThat(fallback.exitCode()).as(fallback.err()).isZero();
    assertThat(fallback.err().lines().toList())
        .singleElement()
        .asString()
        .contains("the engine's fast convolution kernels are wrong on this CPU")
        .contains("backward data")
        .contains("using oneDNN forward, libtorch's own kernels backward, checked correct");
    assertThat(fallback.engine())
        .startsWith(
            "engine: PyTorch 2.7.1, convolutions: oneDNN forward, libtorch's own kernels backward"
                + " (self-check: oneDNN's ")
        .contains("backward data")
        .endsWith(" wrong on this CPU)");
    assertThat(Files.readString(tmp.resolve("fallback").resolve("metrics.json")))
        .contains("oneDNN forward, libtorch's own kernels backward");
    // Other kernels sum in another order, so the numbers agree closely but not bit for bit.
    assertSameTraining(fallback, fast);
  }

  @Test
  void libtorchsOwnKernelsTrainAsOneDnnDoesWithoutNativeWarnings() throws Exception {
    Child fast = chosen();
    Child own = train("own", Map.of("MNISTLAB_CONV_BACKEND", "native"));
    assertThat(own.exitCode()).as(own.err()).isZero();
    // With oneDNN off, libtorch tries NNPACK on every convolution and prints a warning each
    // time on CPUs it does not support, unless it is switched off too.
    assertThat(own.err()).doesNotContain("NNPACK").isBlank();
    assertThat(own.engine())
        .contains(
            "convolutions: libtorch's own kernels (oneDNN off) (asked for by"
                + " MNISTLAB_CONV_BACKEND; self-check passed)");
    assertSameTraining(own, fast);
  }

  private static void assertSameTraining(Child a, Child b) {
    assertThat(a.epochs()).hasSize(2);
    List<Double> expected = b.trainLosses();
    List<Double> actual = a.trainLosses();
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i))
          .as("epoch %d train loss", i + 1)
          .isCloseTo(expected.get(i), org.assertj.core.data.Percentage.withPercentage(1));
    }
  }
}
