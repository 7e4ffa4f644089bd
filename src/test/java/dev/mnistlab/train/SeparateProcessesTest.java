package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trainings in processes of their own, as users run them: the same seed gives the same numbers in
 * two processes, and a machine whose fast convolution kernels are wrong (simulated here by the
 * self-check's test setting) trains correctly on the backend the self-check chooses, says so in one
 * line and records it, with none of the engine's native warnings on the terminal.
 */
class SeparateProcessesTest {
  @TempDir Path tmp;

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
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dai.djl.offline=true");
    command.addAll(List.of(jvmOptions));
    command.add(ProcessTraining.class.getName());
    command.add(tmp.resolve(name).toString());
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("MNISTLAB_CONV_BACKEND");
    builder.environment().putAll(env);
    Path out = tmp.resolve(name + ".out");
    Path err = tmp.resolve(name + ".err");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(name + " did not finish in 180 s");
    }
    return new Child(
        process.exitValue(),
        Files.readAllLines(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theSameSeedInTwoProcessesGivesIdenticalNumbersEpochByEpoch() throws Exception {
    Child a = train("a", Map.of());
    Child b = train("b", Map.of());
    assertThat(a.exitCode()).as(a.err()).isZero();
    assertThat(a.epochs()).hasSize(2);
    assertThat(a.trainLosses()).allSatisfy(loss -> assertThat(loss).isFinite());
    assertThat(b.epochs()).isEqualTo(a.epochs());
    assertThat(b.engine()).isEqualTo(a.engine()).contains("convolutions: ");
  }

  @Test
  void wrongBackwardKernelsAreAvoidedSaidOnceRecordedAndTrainAsTheRightOnesDo() throws Exception {
    Child fast = train("fast", Map.of());
    Child fallback = train("fallback", Map.of(), "-Dmnistlab.engine.simulate=backward-data");
    assertThat(fallback.exitCode()).as(fallback.err()).isZero();
    assertThat(fallback.err().lines().toList())
        .singleElement()
        .asString()
        .contains("the engine's fast convolution kernels are wrong on this CPU")
        .contains("backward data")
        .contains("using oneDNN forward, libtorch's own kernels backward, checked correct");
    assertThat(fallback.engine())
        .isEqualTo(
            "engine: PyTorch 2.7.1, convolutions: oneDNN forward, libtorch's own kernels backward"
                + " (self-check: oneDNN's backward data wrong on this CPU)");
    assertThat(Files.readString(tmp.resolve("fallback").resolve("metrics.json")))
        .contains("oneDNN forward, libtorch's own kernels backward");
    // Other kernels sum in another order, so the numbers agree closely but not bit for bit.
    assertSameTraining(fallback, fast);
  }

  @Test
  void libtorchsOwnKernelsTrainAsOneDnnDoesWithoutNativeWarnings() throws Exception {
    Child fast = train("fast", Map.of());
    Child own = train("own", Map.of("MNISTLAB_CONV_BACKEND", "native"));
    assertThat(own.exitCode()).as(own.err()).isZero();
    // With oneDNN off, libtorch tries NNPACK on every convolution and prints a warning each
    // time on CPUs it does not support, unless it is switched off too.
    assertThat(own.err()).doesNotContain("NNPACK").isBlank();
    assertThat(own.engine()).contains("convolutions: libtorch's own kernels (oneDNN off)");
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
