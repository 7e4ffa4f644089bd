package dev.mnistlab.report;

import static dev.mnistlab.report.PngChecks.decode;
import static dev.mnistlab.report.PngChecks.hasSeveralColours;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The painted pictures decode as PNGs and put things where they belong. */
class PicturesTest {
  @Test
  void heatMapCellsAreDarkerTheMoreTheyCount() throws Exception {
    long[][] matrix = new long[10][10];
    for (int i = 0; i < 10; i++) {
      matrix[i][i] = 1000;
    }
    matrix[3][5] = 9;
    BufferedImage image = decode(Pictures.confusionHeatMap("confusion", matrix));
    Pictures.HeatMapLayout layout = new Pictures.HeatMapLayout(10);
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
    assertThatThrownBy(() -> Pictures.confusionHeatMap("x", new long[][] {{1, 2}, {3}}))
        .hasMessage("a confusion matrix must be square, got 2 rows and a row of 1");
    assertThatThrownBy(() -> new Pictures.Misclassified(new float[10], 28, 28, 1, 2, 0.5))
        .hasMessage("a 28×28 digit needs 784 pixels, got 10");
  }

  @Test
  void theGalleryGrowsWithItsDigitsAndSaysWhenThereAreNone() throws Exception {
    Pictures.Misclassified digit = new Pictures.Misclassified(new float[784], 28, 28, 7, 1, 0.9);
    BufferedImage few = decode(Pictures.misclassifiedGallery(Collections.nCopies(4, digit), 8));
    BufferedImage many = decode(Pictures.misclassifiedGallery(Collections.nCopies(20, digit), 8));
    assertThat(many.getWidth()).isGreaterThan(few.getWidth());
    // Three rows of digits against one, under the same line explaining the captions.
    assertThat(many.getHeight() - Pictures.GALLERY_HEADER)
        .isEqualTo(3 * (few.getHeight() - Pictures.GALLERY_HEADER));
    assertThat(hasSeveralColours(decode(Pictures.misclassifiedGallery(List.of(), 8)))).isTrue();
  }

  @Test
  void theHeatMapHasAColourScaleBesideIt() throws Exception {
    long[][] matrix = new long[10][10];
    matrix[0][0] = 100;
    BufferedImage image = decode(Pictures.confusionHeatMap("confusion", matrix));
    Pictures.HeatMapLayout layout = new Pictures.HeatMapLayout(10);
    int x = layout.scaleLeft() + Pictures.HeatMapLayout.SCALE_WIDTH / 2;
    int topOfScale = brightness(image.getRGB(x, layout.top(0) + 2));
    int bottomOfScale = brightness(image.getRGB(x, layout.top(10) - 2));
    assertThat(topOfScale).isLessThan(120);
    assertThat(bottomOfScale).isGreaterThan(240);
  }
}
