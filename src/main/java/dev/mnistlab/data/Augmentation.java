package dev.mnistlab.data;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.UsageException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random augmentation of one 28×28 digit, composed in a fixed order: affine (rotation,
 * translation, scale, shear), random resized crop, elastic distortion, colour jitter (brightness,
 * contrast), cutout. Each part is off at 0. Geometry samples with {@code interpolation} and fills
 * uncovered pixels with {@code fill}, as torchvision does on a PIL image with {@code fill=} (pixel
 * values 0..255: a seed that rotated a tensor after {@code ToTensor} with {@code fill=1} meant
 * white, 255 here). A rotation by θ degrees turns the digit counter-clockwise as torchvision's
 * {@code rotate} does; with {@code nearest} it gives PIL's pixels exactly (tested against values
 * torchvision printed).
 *
 * @param rotation maximum rotation in degrees, either way
 * @param translate maximum shift in pixels, each axis, either way
 * @param scale zoom factor drawn from [1−scale, 1+scale]
 * @param shear maximum horizontal shear in degrees, either way
 * @param cropScale random resized crop: area fraction drawn from [crop_scale, 1], aspect from [3/4,
 *     4/3], resized back to the full image; 0 is off
 * @param elasticAlpha elastic distortion: displacement in pixels of the smoothed random field
 * @param elasticSigma elastic distortion: Gaussian smoothing of the field, in pixels
 * @param brightness brightness factor drawn from [1−brightness, 1+brightness]
 * @param contrast contrast factor drawn from [1−contrast, 1+contrast], around the image mean
 * @param cutoutHoles number of square holes cut out (coarse dropout)
 * @param cutoutSize side of each hole in pixels
 * @param fill pixel value (0..255) for uncovered pixels and holes
 * @param interpolation how rotation, translation, zoom, shear and crops sample the image: {@code
 *     bilinear} (mnistlab's default) or {@code nearest} (torchvision's {@code RandomRotation} and
 *     {@code RandomAffine} default)
 * @param transforms torchvision's transforms in a notebook's order, instead of the fields above
 *     (which must then be left out): {@code [{rotation: {degrees: 6, fill: 1}}, {affine: ...}]};
 *     see {@link Transform}
 */
public record Augmentation(
    double rotation,
    double translate,
    double scale,
    double shear,
    @JsonProperty("crop_scale") double cropScale,
    @JsonProperty("elastic_alpha") double elasticAlpha,
    @JsonProperty("elastic_sigma") double elasticSigma,
    double brightness,
    double contrast,
    @JsonProperty("cutout_holes") int cutoutHoles,
    @JsonProperty("cutout_size") int cutoutSize,
    double fill,
    Interpolation interpolation,
    List<Transform> transforms) {

  /** How geometric transforms sample the source image; torchvision's names. */
  public enum Interpolation {
    /** The weighted mean of the four nearest pixels. */
    @JsonProperty("bilinear")
    BILINEAR,
    /** The nearest pixel, as PIL's {@code Image.NEAREST}. */
    @JsonProperty("nearest")
    NEAREST
  }

  /**
   * A configuration written before {@code interpolation} existed sampled bilinearly; one written
   * before {@code transforms} existed has none.
   */
  public Augmentation {
    if (interpolation == null) {
      interpolation = Interpolation.BILINEAR;
    }
    if (transforms != null && transforms.stream().anyMatch(java.util.Objects::isNull)) {
      // List.copyOf would fail on it with a bare NullPointerException.
      throw new UsageException("augment: a transform in the list is empty");
    }
    transforms = transforms == null ? List.of() : List.copyOf(transforms);
  }

  /** torchvision's transforms, applied in this order. */
  public static Augmentation of(List<Transform> transforms) {
    return new Augmentation(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, transforms);
  }

  /** Sampling bilinearly. */
  public Augmentation(
      double rotation,
      double translate,
      double scale,
      double shear,
      double cropScale,
      double elasticAlpha,
      double elasticSigma,
      double brightness,
      double contrast,
      int cutoutHoles,
      int cutoutSize,
      double fill) {
    this(
        rotation,
        translate,
        scale,
        shear,
        cropScale,
        elasticAlpha,
        elasticSigma,
        brightness,
        contrast,
        cutoutHoles,
        cutoutSize,
        fill,
        Interpolation.BILINEAR,
        List.of());
  }

  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** Random rotation only. */
  public static Augmentation rotation(double degrees) {
    return NONE.withRotation(degrees);
  }

  /** This augmentation with another rotation range. */
  public Augmentation withRotation(double degrees) {
    return new Augmentation(
        degrees,
        translate,
        scale,
        shear,
        cropScale,
        elasticAlpha,
        elasticSigma,
        brightness,
        contrast,
        cutoutHoles,
        cutoutSize,
        fill,
        interpolation,
        transforms);
  }

  /** True when this augmentation changes nothing (the fill value alone changes nothing). */
  @JsonIgnore
  public boolean isIdentity() {
    return transforms.isEmpty() && ownIsIdentity();
  }

  /** True when the fields other than {@code transforms} change nothing. */
  private boolean ownIsIdentity() {
    return rotation == 0
        && translate == 0
        && scale == 0
        && shear == 0
        && cropScale == 0
        && elasticAlpha == 0
        && brightness == 0
        && contrast == 0
        && cutoutHoles == 0;
  }

  /**
   * Checks every range, naming the bad value.
   *
   * @throws IllegalArgumentException on the first invalid field
   */
  public Augmentation validate() {
    check(rotation >= 0 && rotation <= 180, "rotation must be in [0, 180] degrees", rotation);
    check(translate >= 0 && translate < 14, "translate must be in [0, 14) pixels", translate);
    check(scale >= 0 && scale < 1, "scale must be in [0, 1)", scale);
    check(shear >= 0 && shear < 60, "shear must be in [0, 60) degrees", shear);
    check(
        cropScale == 0 || (cropScale >= 0.05 && cropScale <= 1),
        "crop_scale must be 0 or in [0.05, 1]",
        cropScale);
    check(
        elasticAlpha >= 0 && elasticAlpha <= 20,
        "elastic_alpha must be in [0, 20] pixels",
        elasticAlpha);
    check(
        elasticAlpha == 0 || elasticSigma >= 0.5,
        "elastic_sigma must be at least 0.5 when elastic_alpha is set",
        elasticSigma);
    check(brightness >= 0 && brightness < 1, "brightness must be in [0, 1)", brightness);
    check(contrast >= 0 && contrast < 1, "contrast must be in [0, 1)", contrast);
    check(cutoutHoles >= 0 && cutoutHoles <= 16, "cutout_holes must be in [0, 16]", cutoutHoles);
    check(
        cutoutHoles == 0 || (cutoutSize >= 1 && cutoutSize <= 28),
        "cutout_size must be in [1, 28] when cutout_holes is set",
        cutoutSize);
    check(fill >= 0 && fill <= 255, "fill must be a pixel value in [0, 255]", fill);
    if (!transforms.isEmpty()) {
      if (!ownIsIdentity()) {
        throw new UsageException(
            "augment: give either transforms (torchvision's, in order) or mnistlab's own fields"
                + " (rotation, translate, ...), not both");
      }
      for (Transform t : transforms) {
        t.validate();
      }
    }
    return this;
  }

  private static void check(boolean ok, String rule, double value) {
    if (!ok) {
      throw new UsageException(rule + ", got " + Plain.number(value));
    }
  }

  /**
   * Writes a randomly transformed copy of {@code src} (rows × cols unsigned bytes starting at
   * {@code srcOffset}) into {@code dst} at {@code dstOffset} as pixel values 0..255.
   */
  public void apply(
      byte[] src,
      int srcOffset,
      int rows,
      int cols,
      float[] dst,
      int dstOffset,
      SplittableRandom rng) {
    int n = rows * cols;
    float[] img = new float[n];
    for (int i = 0; i < n; i++) {
      img[i] = src[srcOffset + i] & 0xff;
    }
    for (Transform t : transforms) {
      img = t.apply(img, rows, cols, rng);
    }
    if (rotation > 0 || translate > 0 || scale > 0 || shear > 0) {
      img = affine(img, rows, cols, rng);
    }
    if (cropScale > 0) {
      img = resizedCrop(img, rows, cols, rng);
    }
    if (elasticAlpha > 0) {
      img = elastic(img, rows, cols, rng);
    }
    if (brightness > 0 || contrast > 0) {
      jitter(img, rng);
    }
    for (int h = 0; h < cutoutHoles; h++) {
      int cy = rng.nextInt(rows);
      int cx = rng.nextInt(cols);
      for (int y = cy - cutoutSize / 2; y < cy - cutoutSize / 2 + cutoutSize; y++) {
        for (int x = cx - cutoutSize / 2; x < cx - cutoutSize / 2 + cutoutSize; x++) {
          if (y >= 0 && x >= 0 && y < rows && x < cols) {
            img[y * cols + x] = (float) fill;
          }
        }
      }
    }
    System.arraycopy(img, 0, dst, dstOffset, n);
  }

  private float[] affine(float[] img, int rows, int cols, SplittableRandom rng) {
    // Drawn in this order so that a seed keeps its images; the drawn angle turns the digit
    // clockwise, which is the same distribution as torchvision's counter-clockwise one.
    double degrees = -draw(rng, rotation);
    double tx = draw(rng, translate);
    double ty = draw(rng, translate);
    double zoom = 1 + draw(rng, scale);
    double shearDegrees = draw(rng, shear);
    return affine(img, rows, cols, degrees, tx, ty, zoom, shearDegrees);
  }

  /**
   * The image rotated by {@code degrees} counter-clockwise about its centre (torchvision's {@code
   * rotate} convention), zoomed, sheared horizontally and shifted, sampled with {@link
   * #interpolation} and filled with {@link #fill}.
   */
  float[] affine(
      float[] img,
      int rows,
      int cols,
      double degrees,
      double tx,
      double ty,
      double zoom,
      double shearDegrees) {
    double theta = Math.toRadians(degrees);
    double sh = Math.tan(Math.toRadians(shearDegrees));
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double cx = (cols - 1) / 2.0;
    double cy = (rows - 1) / 2.0;
    if (interpolation == Interpolation.NEAREST) {
      return nearestAffine(
          img, rows, cols, Resampling.round15(cos), Resampling.round15(sin), tx, ty, zoom, sh);
    }
    float[] out = new float[img.length];
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        // Inverse mapping: undo translation, zoom, rotation, then shear.
        double dx = (x - cx - tx) / zoom;
        double dy = (y - cy - ty) / zoom;
        double rx = cos * dx - sin * dy;
        double ry = sin * dx + cos * dy;
        out[y * cols + x] = sample(img, rows, cols, rx - sh * ry + cx, ry + cy);
      }
    }
    return out;
  }

  /**
   * The same inverse mapping, sampled as PIL's {@code Image.transform} samples NEAREST (what
   * torchvision's rotation and affine transforms call on a PIL image; see {@link
   * Resampling#nearest}).
   */
  private float[] nearestAffine(
      float[] img,
      int rows,
      int cols,
      double cos,
      double sin,
      double tx,
      double ty,
      double zoom,
      double sh) {
    double cx = (cols - 1) / 2.0;
    double cy = (rows - 1) / 2.0;
    // Source (x, y) = (a·x + b·y + c, d·x + e·y + f) in pixel indices.
    double a = (cos - sh * sin) / zoom;
    double b = (-sin - sh * cos) / zoom;
    double d = sin / zoom;
    double e = cos / zoom;
    double dx0 = (-cx - tx) / zoom;
    double dy0 = (-cy - ty) / zoom;
    double rx0 = cos * dx0 - sin * dy0;
    double ry0 = sin * dx0 + cos * dy0;
    double c = rx0 - sh * ry0 + cx;
    double f = ry0 + cy;
    // PIL maps pixel centres (index + 0.5) and truncates; in indices that is c + 0.5.
    return Resampling.nearest(img, rows, cols, a, b, d, e, c + 0.5, f + 0.5, fill);
  }

  private float[] resizedCrop(float[] img, int rows, int cols, SplittableRandom rng) {
    double area = rng.nextDouble(cropScale, 1.0 + 1e-12);
    double aspect = Math.exp(rng.nextDouble(Math.log(3 / 4.0), Math.log(4 / 3.0)));
    double w = Math.min(cols, Math.sqrt(area * rows * cols * aspect));
    double h = Math.min(rows, Math.sqrt(area * rows * cols / aspect));
    double x0 = rng.nextDouble() * (cols - w);
    double y0 = rng.nextDouble() * (rows - h);
    float[] out = new float[img.length];
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        double sx = x0 + (x + 0.5) * w / cols - 0.5;
        double sy = y0 + (y + 0.5) * h / rows - 0.5;
        out[y * cols + x] = sample(img, rows, cols, sx, sy);
      }
    }
    return out;
  }

  /** Simard et al.'s elastic distortion: a random field, smoothed, scaled, used as offsets. */
  private float[] elastic(float[] img, int rows, int cols, SplittableRandom rng) {
    double[] fx = new double[img.length];
    double[] fy = new double[img.length];
    for (int i = 0; i < img.length; i++) {
      fx[i] = rng.nextDouble(-1, 1);
      fy[i] = rng.nextDouble(-1, 1);
    }
    fx = smooth(fx, rows, cols);
    fy = smooth(fy, rows, cols);
    float[] out = new float[img.length];
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        int i = y * cols + x;
        out[i] = sample(img, rows, cols, x + elasticAlpha * fx[i], y + elasticAlpha * fy[i]);
      }
    }
    return out;
  }

  /** Separable Gaussian blur, normalized so the field keeps a unit-scale amplitude. */
  private double[] smooth(double[] field, int rows, int cols) {
    int radius = (int) Math.ceil(3 * elasticSigma);
    double[] kernel = new double[2 * radius + 1];
    for (int k = -radius; k <= radius; k++) {
      kernel[k + radius] = Math.exp(-k * k / (2 * elasticSigma * elasticSigma));
    }
    double[] tmp = new double[field.length];
    double[] out = new double[field.length];
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        double s = 0;
        for (int k = -radius; k <= radius; k++) {
          int xx = Math.min(cols - 1, Math.max(0, x + k));
          s += kernel[k + radius] * field[y * cols + xx];
        }
        tmp[y * cols + x] = s;
      }
    }
    double max = 1e-12;
    for (int y = 0; y < rows; y++) {
      for (int x = 0; x < cols; x++) {
        double s = 0;
        for (int k = -radius; k <= radius; k++) {
          int yy = Math.min(rows - 1, Math.max(0, y + k));
          s += kernel[k + radius] * tmp[yy * cols + x];
        }
        out[y * cols + x] = s;
        max = Math.max(max, Math.abs(s));
      }
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= max;
    }
    return out;
  }

  private void jitter(float[] img, SplittableRandom rng) {
    double b = 1 + draw(rng, brightness);
    double c = 1 + draw(rng, contrast);
    double mean = 0;
    for (float v : img) {
      mean += v * b;
    }
    mean /= img.length;
    for (int i = 0; i < img.length; i++) {
      double v = mean + (img[i] * b - mean) * c;
      img[i] = (float) Math.max(0, Math.min(255, v));
    }
  }

  private static double draw(SplittableRandom rng, double range) {
    return range == 0 ? 0 : rng.nextDouble(-range, range);
  }

  private float sample(float[] img, int rows, int cols, double x, double y) {
    return switch (interpolation) {
      case BILINEAR -> Resampling.bilinear(img, rows, cols, x, y, fill);
        // The pixel whose square holds the point (the crop; rotation and affine use nearestAffine).
      case NEAREST ->
          (float) at(img, rows, cols, (int) Math.floor(x + 0.5), (int) Math.floor(y + 0.5));
    };
  }

  private double at(float[] img, int rows, int cols, int x, int y) {
    return Resampling.at(img, rows, cols, x, y, fill);
  }
}
