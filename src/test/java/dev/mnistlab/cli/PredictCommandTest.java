package dev.mnistlab.cli;

import static dev.mnistlab.cli.Cli.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mnistlab.DigitPictures;
import dev.mnistlab.TrainedRuns;
import dev.mnistlab.data.Split;
import dev.mnistlab.io.Mappers;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnistlab predict} on pictures in every format it reads. */
@Tag("integration")
class PredictCommandTest {
  @TempDir Path tmp;

  @Test
  void everyFormatIsReadAndNonImagesAreReportedOneLineEach() throws Exception {
    String run = TrainedRuns.mnist().runDir().toString();
    Split test = TrainedRuns.mnistData().test();
    Path dir = Files.createDirectories(tmp.resolve("pictures"));
    String[] formats = {"png", "jpg", "bmp", "gif"};
    for (int i = 0; i < formats.length; i++) {
      BufferedImage picture =
          DigitPictures.onPaper(DigitPictures.mnist(test, i), 4, 0, 0, Color.WHITE, Color.BLACK);
      assertThat(
              ImageIO.write(
                  picture, formats[i], dir.resolve("digit" + i + "." + formats[i]).toFile()))
          .isTrue();
    }
    Files.writeString(dir.resolve("notes.txt"), "not a picture");
    Path sheet = tmp.resolve("sheet.png");

    Cli.Outcome o =
        Cli.run(
            tmp, Map.of(), "predict", run, dir.toString(), "--json", "--show", sheet.toString());
    assertThat(o.exitCode()).isEqualTo(Main.USAGE);
    assertThat(o.err()).contains("notes.txt: not an image (PNG, JPEG, BMP or GIF)");
    JsonNode answers = Mappers.JSON.readTree(o.out());
    assertThat(answers).hasSize(5);
    int correct = 0;
    for (int i = 0; i < formats.length; i++) {
      JsonNode a = answers.get(i);
      assertThat(a.get("file").asText()).endsWith("digit" + i + "." + formats[i]);
      assertThat(a.get("top")).hasSize(3);
      assertThat(a.get("probabilities")).hasSize(10);
      correct += a.get("digit").asInt() == test.labels()[i] ? 1 : 0;
    }
    assertThat(correct).isGreaterThanOrEqualTo(3);
    assertThat(answers.get(4).get("error").asText()).contains("not an image");
    BufferedImage shown = ImageIO.read(sheet.toFile());
    assertThat(shown.getHeight()).isGreaterThan(4 * 112);

    Cli.Outcome text = Cli.run(tmp, Map.of(), "predict", run, dir.resolve("digit0.png").toString());
    assertThat(text.exitCode()).as(text.err()).isZero();
    assertThat(text.out()).matches("(?s).*digit0\\.png: 7 \\(\\d+\\.\\d%\\)   then \\d \\(.*");
  }

  @Test
  void badInputIsOneLine() throws Exception {
    String run = TrainedRuns.mnist().runDir().toString();
    assertOneLineError(
        Cli.run(tmp, Map.of(), "predict", run, tmp.resolve("missing.png").toString()),
        Main.USAGE,
        "missing.png: no such file");
    assertOneLineError(
        Cli.run(tmp, Map.of(), "predict", tmp.toString(), "x.png"),
        Main.USAGE,
        "not a run directory");
    assertOneLineError(Cli.run(tmp, Map.of(), "predict", run), Main.USAGE, "IMAGE_OR_DIR");
  }

  @Test
  void exportRefusesWhatItCannotExport() {
    assertOneLineError(
        Cli.run(tmp, Map.of(), "export", tmp.toString()), Main.USAGE, "not a run directory");
    assertOneLineError(
        Cli.run(
            tmp, Map.of(), "export", TrainedRuns.mnist().runDir().toString(), "--format", "tflite"),
        Main.USAGE,
        "--format",
        "tflite");
  }
}
