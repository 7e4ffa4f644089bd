package dev.mnistlab.data;

import java.util.SplittableRandom;

/**
 * Random geometric augmentation of one image: rotation about the centre and translation, sampled
 * bilinearly with background fill, as torchvision's {@code RandomRotation}/{@code RandomAffine}
 * with {@code fill=0}.
 *
 * @param rotation maximum rotation in degrees, either way; 0 disables it
 * @param translate maximum shift in pixels, each axis, either way; 0 disables it
 */
public record Augmentation(double rotation, double translate) {
  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(0, 0);

  /** True when this augmentation changes nothing. */
  public boolean isIdentity() {
    return rotation == 0 && translate == 0;
  }

  /**
   * Writes a randomly transformed copy of {@code src} (rows × cols unsigned bytes starting at
   * {@code srcOffset}) into {@code dst} as pixel values 0..255.
   */
  public void apply(
      byte[] src,
      int srcOffset,
      int rows,
      int cols,
      float[] dst,
      int dstOffset,
      SplittableRandom rng) {
    double angle = Math.toRadians(rotation == 0 ? 0 : rng.nextDouble(-rotation, rotation));
    double tx = translate == 0 ? 0 : rng.nextDouble(-translate, translate);
    double ty = translate == 0 ? 0 : rng.nextDouble(-translate, translate);
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    double cx = (cols - 1) / 2.0;
    double cy = (rows - 1) / 2.0;
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        // Inverse mapping: where in the source does this output pixel come from?
        double dx = x - cx - tx;
        double dy = y - cy - ty;
        double sx = cos * dx + sin * dy + cx;
        double sy = -sin * dx + cos * dy + cy;
        dst[dstOffset + y * cols + x] = bilinear(src, srcOffset, rows, cols, sx, sy);
      }
    }
  }

  private static float bilinear(byte[] src, int offset, int rows, int cols, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    double top =
        (1 - fx) * pixel(src, offset, rows, cols, x0, y0)
            + fx * pixel(src, offset, rows, cols, x0 + 1, y0);
    double bottom =
        (1 - fx) * pixel(src, offset, rows, cols, x0, y0 + 1)
            + fx * pixel(src, offset, rows, cols, x0 + 1, y0 + 1);
    return (float) ((1 - fy) * top + fy * bottom);
  }

  private static int pixel(byte[] src, int offset, int rows, int cols, int x, int y) {
    if (x < 0 || y < 0 || x >= cols || y >= rows) {
      return 0;
    }
    return src[offset + y * cols + x] & 0xff;
  }
}
