package dev.mnistlab.data;

import dev.mnistlab.data.Augmentation.Interpolation;

/**
 * Sampling an image through an inverse affine map, as PIL's {@code Image.transform(AFFINE)} does:
 * the map takes an output pixel's centre, in PIL's continuous coordinates (pixel {@code i} spans
 * [i, i+1)), to a point of the source image; outside the image the fill is used.
 */
final class Resampling {
  private Resampling() {}

  /**
   * The image sampled through {@code m = {a, b, c, d, e, f}}: source (x', y') = (a·x + b·y + c, d·x
   * + e·y + f) for an output pixel centre (x, y).
   */
  static float[] transform(
      float[] img, int rows, int cols, double[] m, double fill, Interpolation interpolation) {
    if (interpolation == Interpolation.NEAREST) {
      // PIL steps from the first pixel's centre: c + a/2 + b/2.
      return nearest(
          img,
          rows,
          cols,
          m[0],
          m[1],
          m[3],
          m[4],
          m[2] + m[0] * 0.5 + m[1] * 0.5,
          m[5] + m[3] * 0.5 + m[4] * 0.5,
          fill);
    }
    float[] out = new float[img.length];
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        double sx = m[0] * (x + 0.5) + m[1] * (y + 0.5) + m[2];
        double sy = m[3] * (x + 0.5) + m[4] * (y + 0.5) + m[5];
        out[y * cols + x] = bilinear(img, rows, cols, sx - 0.5, sy - 0.5, fill);
      }
    }
    return out;
  }

  /**
   * PIL's NEAREST affine ({@code affine_fixed} in its Geometry.c): the coefficients in 16.16 fixed
   * point, stepped pixel by pixel from {@code (firstX, firstY)}, the source pixel taken by an
   * arithmetic shift. The rounding is part of the result: plain floating-point nearest-pixel
   * sampling differs from PIL in about one pixel per image.
   */
  static float[] nearest(
      float[] img,
      int rows,
      int cols,
      double a,
      double b,
      double d,
      double e,
      double firstX,
      double firstY,
      double fill) {
    long a0 = fixed(a);
    long a1 = fixed(b);
    long a3 = fixed(d);
    long a4 = fixed(e);
    long rowX = fixed(firstX);
    long rowY = fixed(firstY);
    float[] out = new float[img.length];
    for (int y = 0; y < rows; y++) {
      long xx = rowX;
      long yy = rowY;
      for (int x = 0; x < cols; x++) {
        out[y * cols + x] = (float) at(img, rows, cols, (int) (xx >> 16), (int) (yy >> 16), fill);
        xx += a0;
        yy += a3;
      }
      rowX += a1;
      rowY += a4;
    }
    return out;
  }

  /** The weighted mean of the four pixels around index point (x, y). */
  static float bilinear(float[] img, int rows, int cols, double x, double y, double fill) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    double top =
        (1 - fx) * at(img, rows, cols, x0, y0, fill) + fx * at(img, rows, cols, x0 + 1, y0, fill);
    double bottom =
        (1 - fx) * at(img, rows, cols, x0, y0 + 1, fill)
            + fx * at(img, rows, cols, x0 + 1, y0 + 1, fill);
    return (float) ((1 - fy) * top + fy * bottom);
  }

  /** The pixel at index (x, y), or the fill outside the image. */
  static double at(float[] img, int rows, int cols, int x, int y, double fill) {
    return x < 0 || y < 0 || x >= cols || y >= rows ? fill : img[y * cols + x];
  }

  /** Python's {@code round(v, 15)}: PIL rounds a rotation's cosine and sine so. */
  static double round15(double v) {
    return new java.math.BigDecimal(v).setScale(15, java.math.RoundingMode.HALF_EVEN).doubleValue();
  }

  /** PIL's 16.16 fixed point: {@code FLOOR(v * 65536 + 0.5)}. */
  private static long fixed(double v) {
    return (long) Math.floor(v * 65536.0 + 0.5);
  }
}
