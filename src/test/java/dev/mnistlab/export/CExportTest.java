package dev.mnistlab.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mnistlab.Executables;
import dev.mnistlab.TrainedRuns;
import dev.mnistlab.cli.Environment;
import dev.mnistlab.cli.Main;
import dev.mnistlab.data.Split;
import dev.mnistlab.eval.Evaluator;
import dev.mnistlab.eval.TrainedModel;
import dev.mnistlab.run.RunDirectory;
import dev.mnistlab.run.RunResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C export compiled with the system's C compiler ({@code cc -std=c99 -Wall -Wextra -Werror
 * -O2}) and run on all 10,000 test images: float C gives mnistlab's class for every image and its
 * scores within 1e-4; int8 C gives the int8 ONNX model's class for every image. Without a C
 * compiler the test is skipped, unless MNISTLAB_C_TESTS=required (CI), when it fails.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class CExportTest {
  @TempDir Path tmp;

  private static final List<String> FLAGS =
      List.of("-std=c99", "-Wall", "-Wextra", "-Werror", "-O2");

  @Test
  void floatAndInt8CAgreeWithMnistlabOnEveryTestImage() throws Exception {
    Path cc = compiler();
    RunResult run = TrainedRuns.mnist();
    Split test = TrainedRuns.mnistData().test();
    Path images = tmp.resolve("test.bin");
    Files.write(images, test.pixels());

    Path floatDir = export(run, tmp.resolve("f32"), false);
    Path int8Dir = export(run, tmp.resolve("q8"), true);
    Outputs floatC = runHarness(cc, floatDir, images, test.count());
    Outputs int8C = runHarness(cc, int8Dir, images, test.count());
    // Only <stdint.h>, <string.h> and <math.h>, and no malloc.
    for (Path dir : List.of(floatDir, int8Dir)) {
      String source = Files.readString(dir.resolve(CExporter.SOURCE));
      assertThat(source.lines().filter(l -> l.startsWith("#include")).toList())
          .containsExactly(
              "#include \"mnistlab_model.h\"", "#include <math.h>", "#include <string.h>");
      assertThat(source).doesNotContain("malloc", "stdio", "stdlib");
    }

    try (TrainedModel trained = RunDirectory.openComplete(run.runDir()).loadTrained()) {
      float maxDiff = 0;
      for (int from = 0; from < test.count(); from += 1000) {
        float[][] expected = trained.logProbabilities(test.unitPixels(from, 1000), 1000);
        for (int i = 0; i < 1000; i++) {
          assertThat(floatC.digits()[from + i])
              .as("image %d", from + i)
              .isEqualTo(OnnxExportTest.argMax(expected[i]));
          for (int c = 0; c < 10; c++) {
            maxDiff = Math.max(maxDiff, Math.abs(floatC.scores()[from + i][c] - expected[i][c]));
          }
        }
      }
      assertThat(maxDiff).isLessThan(1e-4f);

      // The int8 ONNX model of the same calibration, in ONNX Runtime.
      InferenceNet net = trained.toInferenceNet();
      Split train = TrainedRuns.mnistData().train();
      Int8Net int8 = Int8Net.calibrate(net, train.unitImages(0, 200));
      Evaluator.Predictions onnx =
          Evaluator.predictOnnx(
              QdqExporter.export(int8, java.util.Map.of()).toByteArray(),
              trained.spec().inputShape(),
              test,
              1);
      int same = 0;
      for (int i = 0; i < test.count(); i++) {
        same += onnx.predicted()[i] == int8C.digits()[i] ? 1 : 0;
      }
      System.out.printf(
          "C float %.1f us/image, int8 %.1f us/image; int8 C and ONNX agree on %d of %d%n",
          floatC.microsPerImage(), int8C.microsPerImage(), same, test.count());
      assertThat(same).isEqualTo(test.count());
    }
  }

  private Path export(RunResult run, Path dir, boolean int8) {
    List<String> args =
        new ArrayList<>(
            List.of("export", run.runDir().toString(), "--format", "c", "--out", dir.toString()));
    if (int8) {
      args.addAll(List.of("--int8", "--calibration", "200"));
    }
    assertThat(Main.commandLine(Environment.system()).execute(args.toArray(String[]::new)))
        .isZero();
    return dir;
  }

  private record Outputs(int[] digits, float[][] scores, double microsPerImage) {}

  private Outputs runHarness(Path cc, Path dir, Path images, int count) throws Exception {
    Path harness = tmp.resolve("harness.c");
    try (var in = CExportTest.class.getResourceAsStream("harness.c")) {
      Files.write(harness, in.readAllBytes());
    }
    Path binary = dir.resolve("harness");
    List<String> command = new ArrayList<>(List.of(cc.toString()));
    command.addAll(FLAGS);
    command.addAll(
        List.of(
            "-I" + dir,
            "-o",
            binary.toString(),
            harness.toString(),
            dir.resolve(CExporter.SOURCE).toString(),
            "-lm"));
    Process compile = new ProcessBuilder(command).redirectErrorStream(true).start();
    String compiled = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(compile.waitFor()).as(compiled).isZero();
    Process run =
        new ProcessBuilder(binary.toString(), images.toString(), Integer.toString(count))
            .redirectError(dir.resolve("harness.err").toFile())
            .start();
    List<String> lines =
        new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(run.waitFor()).isZero();
    int[] digits = new int[count];
    float[][] scores = new float[count][10];
    for (int i = 0; i < count; i++) {
      String[] parts = lines.get(i).split(" ");
      digits[i] = Integer.parseInt(parts[0]);
      for (int c = 0; c < 10; c++) {
        scores[i][c] = Float.parseFloat(parts[c + 1]);
      }
    }
    String err = Files.readString(dir.resolve("harness.err"));
    double micros = Double.parseDouble(err.replaceAll("(?s).*us_per_image ([0-9.]+).*", "$1"));
    return new Outputs(digits, scores, micros);
  }

  /** cc or gcc from the PATH; skips the test without one, unless CI requires it. */
  private static Path compiler() {
    Optional<Path> found = Executables.find(null, "cc", "gcc");
    if (found.isEmpty()) {
      String why = "the C export test needs a C compiler (cc or gcc) on the PATH";
      if ("required".equals(System.getenv("MNISTLAB_C_TESTS"))) {
        fail(why + "; MNISTLAB_C_TESTS=required makes this a failure");
      }
      Assumptions.abort("skipped: " + why);
    }
    return found.get();
  }
}
