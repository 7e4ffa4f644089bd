package dev.mnistlab.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.WritableRaster;

/**
 * Turns a picture of one digit into the 28×28 image a network trained on MNIST expects, the way
 * MNIST itself was made: white ink on black, the ink's bounding box scaled so that its longer side
 * is 20 pixels (aspect ratio kept, anti-aliased), placed in a 28×28 field so that its centre of
 * mass is at the centre.
 *
 * <p>Steps, in order: to grey (alpha composited over a background that contrasts with the opaque
 * pixels); invert when the border is light (dark ink on light paper); stretch so the border's level
 * is 0 and the strongest ink 1 (a coloured or grey background becomes black); crop to the pixels
 * above {@link #INK_THRESHOLD}; scale; centre by mass. Returns pixels in [0, 1]; normalization is
 * the classifier's business ({@link Normalization}).
 */
public final class DigitPreprocessor {
  /** MNIST's field. */
  public static final int SIZE = 28;

  /** MNIST's digits fit a 20×20 box inside the field. */
  public static final int BOX = 20;

  /** Ink level (0..1, after stretching) that counts towards the bounding box. */
  public static final float INK_THRESHOLD = 0.05f;

  private DigitPreprocessor() {}

  /** A preprocessed digit and whether any ink was found (a blank picture gives a black field). */
  public record Result(float[] pixels, boolean blank) {}

  /** Preprocesses a picture of any size, colour or grey, with or without alpha. */
  public static Result preprocess(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] ink = ink(grey(image), w, h);
    int left = w;
    int top = h;
    int right = -1;
    int bottom = -1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (ink[y * w + x] > INK_THRESHOLD) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    if (right < 0) {
      return new Result(new float[SIZE * SIZE], true);
    }
    int cw = right - left + 1;
    int ch = bottom - top + 1;
    double scale = (double) BOX / Math.max(cw, ch);
    int sw = Math.max(1, (int) Math.round(cw * scale));
    int sh = Math.max(1, (int) Math.round(ch * scale));
    float[] scaled = resample(ink, w, left, top, cw, ch, sw, sh);
    return new Result(centre(scaled, sw, sh), false);
  }

  /** Luminance in [0, 1]; transparent pixels take the background that contrasts with the ink. */
  static float[] grey(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] lum = new float[w * h];
    float[] alpha = new float[w * h];
    boolean hasAlpha = image.getColorModel().hasAlpha();
    WritableRaster raster = image.getRaster();
    if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      // Grey pictures' samples are the stored grey levels; getRGB would pass them through Java's
      // linear-grey colour space and brighten every mid-tone.
      float max = (1 << image.getColorModel().getComponentSize(0)) - 1;
      float alphaMax = hasAlpha ? (1 << image.getColorModel().getComponentSize(1)) - 1 : 1;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          lum[y * w + x] = raster.getSample(x, y, 0) / max;
          alpha[y * w + x] = hasAlpha ? raster.getSample(x, y, 1) / alphaMax : 1f;
        }
      }
    } else if (isPlainSrgb8(image)) {
      // What getRGB would return, read straight from the raster: getRGB converts pixel by pixel
      // through the colour model, which made it most of a served prediction's time.
      int bands = raster.getNumBands();
      int[] row = new int[w * bands];
      for (int y = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        for (int x = 0; x < w; x++) {
          int i = y * w + x;
          int at = x * bands;
          alpha[i] = hasAlpha ? row[at + 3] / 255f : 1f;
          lum[i] = (0.299f * row[at] + 0.587f * row[at + 1] + 0.114f * row[at + 2]) / 255f;
        }
      }
    } else {
      int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
      for (int i = 0; i < argb.length; i++) {
        int p = argb[i];
        alpha[i] = hasAlpha ? ((p >>> 24) & 0xff) / 255f : 1f;
        lum[i] =
            (0.299f * ((p >> 16) & 0xff) + 0.587f * ((p >> 8) & 0xff) + 0.114f * (p & 0xff)) / 255f;
      }
    }
    double opaqueLum = 0;
    double opaqueWeight = 0;
    for (int i = 0; i < lum.length; i++) {
      opaqueLum += lum[i] * alpha[i];
      opaqueWeight += alpha[i];
    }
    // Dark strokes on a transparent sheet go over white, light strokes over black.
    float background = opaqueWeight > 0 && opaqueLum / opaqueWeight < 0.5 ? 1f : 0f;
    for (int i = 0; i < lum.length; i++) {
      lum[i] = alpha[i] * lum[i] + (1 - alpha[i]) * background;
    }
    return lum;
  }

  /** 8-bit sRGB components, not premultiplied, in bands R, G, B (and A): JPEG, PNG, BMP as read. */
  private static boolean isPlainSrgb8(BufferedImage image) {
    if (!(image.getColorModel() instanceof ComponentColorModel model)) {
      return false;
    }
    int components = model.hasAlpha() ? 4 : 3;
    if (!model.getColorSpace().isCS_sRGB()
        || model.isAlphaPremultiplied()
        || model.getNumComponents() != components
        || image.getRaster().getNumBands() != components) {
      return false;
    }
    for (int size : model.getComponentSize()) {
      if (size != 8) {
        return false;
      }
    }
    return true;
  }

  /**
   * Ink strength in [0, 1]: inverted when the border is light, then stretched from the border's
   * median (0) to the strongest ink (1).
   */
  static float[] ink(float[] grey, int w, int h) {
    float[] border = borderValues(grey, w, h);
    java.util.Arrays.sort(border);
    float paper = border[border.length / 2];
    boolean invert = paper > 0.5f;
    float[] ink = new float[grey.length];
    float strongest = 0;
    float base = invert ? 1 - paper : paper;
    for (int i = 0; i < grey.length; i++) {
      ink[i] = invert ? 1 - grey[i] : grey[i];
      strongest = Math.max(strongest, ink[i]);
    }
    float range = strongest - base;
    if (range < 0.1f) {
      // No stroke stands out from the paper: blank.
      return new float[grey.length];
    }
    for (int i = 0; i < ink.length; i++) {
      ink[i] = Math.max(0, Math.min(1, (ink[i] - base) / range));
    }
    return ink;
  }

  private static float[] borderValues(float[] grey, int w, int h) {
    float[] values = new float[2 * w + 2 * Math.max(0, h - 2)];
    int n = 0;
    for (int x = 0; x < w; x++) {
      values[n++] = grey[x];
      if (h > 1) {
        values[n++] = grey[(h - 1) * w + x];
      }
    }
    for (int y = 1; y < h - 1; y++) {
      values[n++] = grey[y * w];
      if (w > 1) {
        values[n++] = grey[y * w + w - 1];
      }
    }
    return java.util.Arrays.copyOf(values, n);
  }

  /**
   * Resamples the crop ({@code cw × ch} at {@code left, top} of a {@code w}-wide image) to {@code
   * sw × sh}: each output pixel averages bilinear samples on a grid over its footprint, which is
   * area averaging when shrinking and bilinear when enlarging.
   */
  static float[] resample(float[] src, int w, int left, int top, int cw, int ch, int sw, int sh) {
    double fx = (double) cw / sw;
    double fy = (double) ch / sh;
    int nx = Math.max(1, (int) Math.ceil(fx));
    int ny = Math.max(1, (int) Math.ceil(fy));
    float[] out = new float[sw * sh];
    for (int y = 0; y < sh; y++) {
      for (int x = 0; x < sw; x++) {
        double sum = 0;
        for (int j = 0; j < ny; j++) {
          for (int i = 0; i < nx; i++) {
            double sx = (x + (i + 0.5) / nx) * fx - 0.5;
            double sy = (y + (j + 0.5) / ny) * fy - 0.5;
            sum += bilinear(src, w, left, top, cw, ch, sx, sy);
          }
        }
        out[y * sw + x] = (float) (sum / (nx * ny));
      }
    }
    return out;
  }

  private static double bilinear(
      float[] src, int w, int left, int top, int cw, int ch, double sx, double sy) {
    double x = Math.max(0, Math.min(cw - 1, sx));
    double y = Math.max(0, Math.min(ch - 1, sy));
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    int x1 = Math.min(cw - 1, x0 + 1);
    int y1 = Math.min(ch - 1, y0 + 1);
    double ax = x - x0;
    double ay = y - y0;
    double top0 = src[(top + y0) * w + left + x0] * (1 - ax) + src[(top + y0) * w + left + x1] * ax;
    double bot0 = src[(top + y1) * w + left + x0] * (1 - ax) + src[(top + y1) * w + left + x1] * ax;
    return top0 * (1 - ay) + bot0 * ay;
  }

  /** Places a {@code sw × sh} digit in the 28×28 field with its centre of mass at the centre. */
  static float[] centre(float[] digit, int sw, int sh) {
    double mass = 0;
    double mx = 0;
    double my = 0;
    for (int y = 0; y < sh; y++) {
      for (int x = 0; x < sw; x++) {
        float v = digit[y * sw + x];
        mass += v;
        mx += v * x;
        my += v * y;
      }
    }
    double cx = mass > 0 ? mx / mass : (sw - 1) / 2.0;
    double cy = mass > 0 ? my / mass : (sh - 1) / 2.0;
    // The field's centre is between pixels 13 and 14; keep the whole digit inside the field.
    int left = clamp((int) Math.round((SIZE - 1) / 2.0 - cx), 0, SIZE - sw);
    int top = clamp((int) Math.round((SIZE - 1) / 2.0 - cy), 0, SIZE - sh);
    float[] field = new float[SIZE * SIZE];
    for (int y = 0; y < sh; y++) {
      System.arraycopy(digit, y * sw, field, (top + y) * SIZE + left, sw);
    }
    return field;
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
