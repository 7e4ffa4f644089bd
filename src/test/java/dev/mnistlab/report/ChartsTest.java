package dev.mnistlab.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.train.EpochMetrics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Every chart decodes as a PNG with content, and the drawn ones put things where they belong. */
class ChartsTest {
  private static BufferedImage decode(byte[] png) throws Exception {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isPositive();
    assertThat(image.getHeight()).isPositive();
    return image;
  }

  private static boolean hasSeveralColours(BufferedImage image) {
    int first = image.getRGB(0, 0);
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        if (image.getRGB(x, y) != first) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<EpochMetrics> epochs(int n) {
    return IntStream.rangeClosed(1, n)
        .mapToObj(
            e ->
                new EpochMetrics(
                    e, 0.1 / e, 1.0 / e, 90 + e * 0.6, 1.2 / e, 91 + e * 0.55, 30, 2000))
        .toList();
  }

  @Test
  void curvesRenderForManyEpochsAndForOne() throws Exception {
    for (List<EpochMetrics> run : List.of(epochs(15), epochs(1))) {
      assertThat(hasSeveralColours(decode(Charts.lossCurves("loss", run)))).isTrue();
      assertThat(hasSeveralColours(decode(Charts.accuracyCurves("accuracy", run)))).isTrue();
      assertThat(hasSeveralColours(decode(Charts.learningRate("lr", run)))).isTrue();
    }
  }

  @Test
  void heatMapCellsAreDarkerTheMoreTheyCount() throws Exception {
    long[][] matrix = new long[10][10];
    for (int i = 0; i < 10; i++) {
      matrix[i][i] = 1000;
    }
    matrix[3][5] = 9;
    BufferedImage image = decode(Charts.confusionHeatMap("confusion", matrix));
    Charts.HeatMapLayout layout = new Charts.HeatMapLayout(10);
    assertThat(image.getWidth()).isEqualTo(layout.width());
    // Sample a corner of each cell, away from the count written in its middle.
    int diagonal = brightness(image.getRGB(layout.left(2) + 3, layout.top(2) + 3));
    int error = brightness(image.getRGB(layout.left(5) + 3, layout.top(3) + 3));
    int empty = brightness(image.getRGB(layout.left(7) + 3, layout.top(1) + 3));
    assertThat(diagonal).isLessThan(error);
    assertThat(error).isLessThan(empty);
    assertThat(empty).isEqualTo(255);
  }

  private static int brightness(int rgb) {
    return Math.max((rgb >> 16) & 0xff, Math.max((rgb >> 8) & 0xff, rgb & 0xff));
  }

  @Test
  void badInputsAreNamed() {
    assertThatThrownBy(() -> Charts.confusionHeatMap("x", new long[][] {{1, 2}, {3}}))
        .hasMessage("a confusion matrix must be square, got 2 rows and a row of 1");
    assertThatThrownBy(() -> Charts.lrFinder(new double[3], new double[2], 0.1))
        .hasMessageContaining("got 3 learning rates and 2 losses");
    assertThatThrownBy(() -> new Charts.Misclassified(new float[10], 28, 28, 1, 2, 0.5))
        .hasMessage("a 28×28 digit needs 784 pixels, got 10");
  }

  @Test
  void theGalleryGrowsWithItsDigitsAndSaysWhenThereAreNone() throws Exception {
    Charts.Misclassified digit = new Charts.Misclassified(new float[784], 28, 28, 7, 1, 0.9);
    BufferedImage few = decode(Charts.misclassifiedGallery(Collections.nCopies(4, digit), 8));
    BufferedImage many = decode(Charts.misclassifiedGallery(Collections.nCopies(20, digit), 8));
    assertThat(many.getWidth()).isGreaterThan(few.getWidth());
    assertThat(many.getHeight()).isEqualTo(3 * few.getHeight());
    assertThat(hasSeveralColours(decode(Charts.misclassifiedGallery(List.of(), 8)))).isTrue();
  }

  @Test
  void lrFinderAndScatterRender() throws Exception {
    double[] lrs = {1e-4, 1e-3, 1e-2, 1e-1, 1};
    double[] losses = {2.3, 2.1, 1.2, 0.6, 1.9};
    assertThat(hasSeveralColours(decode(Charts.lrFinder(lrs, losses, 0.01)))).isTrue();
    assertThat(
            hasSeveralColours(
                decode(
                    Charts.accuracyVsParameters(
                        "acc",
                        List.of(
                            new Charts.Point("big", 6_000_000, 99.3),
                            new Charts.Point("small", 7_900, 99.45))))))
        .isTrue();
  }
}
