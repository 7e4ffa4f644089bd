package dev.mnistlab.data;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * A picture of what an augmentation does: one row per digit, the original first, then random
 * variants, each pixel drawn as a {@code zoom × zoom} block with a one-block gap between cells.
 */
public final class AugmentationGrid {
  private AugmentationGrid() {}

  /**
   * @param split images to draw from (the first {@code digits} are used)
   * @param variants augmented copies per digit, besides the original
   * @param seed seeds the variants, so the same call draws the same grid
   */
  public static BufferedImage render(
      Split split, Augmentation augmentation, int digits, int variants, int zoom, long seed) {
    int rows = split.rows();
    int cols = split.cols();
    int cellW = (cols + 1) * zoom;
    int cellH = (rows + 1) * zoom;
    int n = Math.min(digits, split.count());
    BufferedImage image =
        new BufferedImage(
            cellW * (variants + 1) + zoom, cellH * n + zoom, BufferedImage.TYPE_INT_RGB);
    // A mid-grey background separates cells from the black digit backgrounds.
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, 0x808080);
      }
    }
    float[] pixels = new float[rows * cols];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int d = 0; d < n; d++) {
      for (int v = 0; v <= variants; v++) {
        if (v == 0) {
          for (int i = 0; i < pixels.length; i++) {
            pixels[i] = split.pixels()[d * rows * cols + i] & 0xff;
          }
        } else {
          augmentation.apply(split.pixels(), d * rows * cols, rows, cols, pixels, 0, rng);
        }
        DigitImages.draw(image, pixels, rows, cols, zoom + v * cellW, zoom + d * cellH, zoom);
      }
    }
    return image;
  }
}
