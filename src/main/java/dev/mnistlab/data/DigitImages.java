package dev.mnistlab.data;

import java.awt.image.BufferedImage;

/** Draws grey digits into images, enlarged, for the augmentation grid and report galleries. */
public final class DigitImages {
  private DigitImages() {}

  /**
   * Draws {@code pixels} (grey values 0–255, row-major) with each pixel a {@code zoom × zoom} block
   * whose top-left corner is ({@code left}, {@code top}).
   */
  public static void draw(
      BufferedImage image, float[] pixels, int rows, int cols, int left, int top, int zoom) {
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        int g = Math.max(0, Math.min(255, Math.round(pixels[y * cols + x])));
        int rgb = (g << 16) | (g << 8) | g;
        for (int dy = 0; dy < zoom; dy++) {
          for (int dx = 0; dx < zoom; dx++) {
            image.setRGB(left + x * zoom + dx, top + y * zoom + dy, rgb);
          }
        }
      }
    }
  }
}
