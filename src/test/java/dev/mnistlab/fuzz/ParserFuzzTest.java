package dev.mnistlab.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mnistlab.config.TrainConfigs;
import dev.mnistlab.data.DatasetFormatException;
import dev.mnistlab.data.DigitPreprocessor;
import dev.mnistlab.data.IdxReader;
import dev.mnistlab.data.ImageFiles;
import dev.mnistlab.experiment.ExperimentParser;
import dev.mnistlab.model.ModelSpecParser;
import dev.mnistlab.model.SpecException;
import dev.mnistlab.serve.ServerLimits;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/**
 * Coverage-guided fuzzing of the parsers of outside input: whatever the bytes, each either returns
 * or throws its one documented, messaged exception; anything else (a NullPointerException, an index
 * out of bounds, an OutOfMemoryError under the fuzz runs' heap cap, a hang) is a finding.
 *
 * <p>{@code mvn test} replays the inputs kept under {@code ParserFuzzTestInputs/METHOD/} (seeds and
 * every crasher found so far); {@code mvn verify} then fuzzes each method for {@code fuzz.duration}
 * (pom.xml), and {@code JAZZER_FUZZ=1 mvn test -Dtest=ParserFuzzTest#METHOD} fuzzes one for longer
 * (docs/RELIABILITY.md).
 */
// An input that takes longer is a hang: a finding, not a slow test.
@org.junit.jupiter.api.Timeout(10)
@Tag("integration")
class ParserFuzzTest {
  private static final Path NAMED = Path.of("fuzzed");

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @FuzzTest
  void idxImages(byte[] bytes) {
    try {
      IdxReader.parseImages(NAMED, bytes);
    } catch (DatasetFormatException expected) {
      // Refused with a message naming the file.
    }
    try {
      IdxReader.parseLabels(NAMED, bytes);
    } catch (DatasetFormatException expected) {
      // Likewise.
    }
  }

  @FuzzTest
  void modelSpec(byte[] bytes) {
    try {
      ModelSpecParser.parse(text(bytes), "fuzzed.yaml");
    } catch (SpecException expected) {
      // Refused naming the file and line.
    }
  }

  @FuzzTest
  void trainConfig(byte[] bytes) {
    try {
      TrainConfigs.parse(text(bytes), "fuzzed.yaml");
    } catch (IllegalArgumentException expected) {
      // Refused naming the file and the field or line.
    }
  }

  @FuzzTest
  void experiment(byte[] bytes) {
    try {
      ExperimentParser.parse(text(bytes), "fuzzed.yaml", null);
    } catch (IllegalArgumentException | SpecException expected) {
      // Refused naming the file and the step, field or line; a step's model is a spec.
    }
  }

  @FuzzTest
  void picture(byte[] bytes) {
    BufferedImage image;
    try {
      // The bound `serve` reads with by default (25 megapixels).
      image =
          ImageFiles.read(
              new ByteArrayInputStream(bytes),
              "fuzzed.png",
              ServerLimits.defaults().maxImagePixels());
    } catch (ImageFiles.NotAnImageException expected) {
      return;
    }
    DigitPreprocessor.preprocess(image);
  }
}
