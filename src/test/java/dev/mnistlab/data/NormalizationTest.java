package dev.mnistlab.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.TrainedRuns;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Each dataset's normalization is its own training set's mean and deviation. */
@Tag("integration")
class NormalizationTest {
  private static float[] meanAndStd(Split split) {
    long[] counts = new long[256];
    for (byte b : split.pixels()) {
      counts[b & 0xff]++;
    }
    double n = split.pixels().length;
    double mean = 0;
    for (int v = 0; v < 256; v++) {
      mean += counts[v] * (v / 255.0) / n;
    }
    double variance = 0;
    for (int v = 0; v < 256; v++) {
      variance += counts[v] * Math.pow(v / 255.0 - mean, 2) / n;
    }
    return new float[] {(float) mean, (float) Math.sqrt(variance)};
  }

  @Test
  void mnistsFiguresAreItsTrainingSets() {
    float[] measured = meanAndStd(TrainedRuns.mnistData().train());
    assertThat(Dataset.MNIST.normalization().mean()).isCloseTo(measured[0], Offset.offset(5e-5f));
    assertThat(Dataset.MNIST.normalization().std()).isCloseTo(measured[1], Offset.offset(5e-5f));
  }

  @Test
  void fashionMnistHasItsOwn() {
    Path dir = Path.of(Dataset.FASHION_MNIST.systemDirectory());
    Assumptions.assumeTrue(
        Files.isDirectory(dir), "Debian's dataset-fashion-mnist is not installed (CI installs it)");
    Split train =
        DataStore.split(
            dir, Dataset.FASHION_MNIST.files().get(0), Dataset.FASHION_MNIST.files().get(1));
    float[] measured = meanAndStd(train);
    assertThat(measured[0]).isCloseTo(0.2860f, Offset.offset(5e-5f));
    assertThat(Dataset.FASHION_MNIST.normalization().mean())
        .isCloseTo(measured[0], Offset.offset(5e-5f));
    assertThat(Dataset.FASHION_MNIST.normalization().std())
        .isCloseTo(measured[1], Offset.offset(5e-5f));
  }

  @Test
  void badFiguresAreRefused() {
    assertThatThrownBy(() -> new Normalization(0.1f, 0))
        .hasMessageContaining("positive deviation, got mean 0.1, std 0.0");
    assertThat(new Normalization(0.5f, 0.25f).applyByte(255)).isEqualTo(2f);
  }
}
