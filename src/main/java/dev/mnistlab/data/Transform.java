package dev.mnistlab.data;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.mnistlab.data.Augmentation.Interpolation;
import dev.mnistlab.text.Plain;
import dev.mnistlab.text.UsageException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One of torchvision's random transforms, with its class's arguments and semantics, for writing a
 * seed notebook's {@code transforms.Compose([...])} as it was: {@code augment: {transforms: [...]}}
 * applies them in the order given. Images are pixel values 0..255 (a notebook's tensor after {@code
 * ToTensor} times 255), so fills are in those units too.
 *
 * <p>Rotation and affine sample as PIL's {@code Image.transform} does on a PIL image (nearest:
 * 16.16 fixed point, giving torchvision's pixels exactly); brightness and contrast blend and
 * truncate to 8 bits as PIL's {@code ImageEnhance} does; the resized crop interpolates as {@code
 * torch.nn.functional.interpolate} does on a tensor. Each is tested against values torchvision
 * printed for fixed parameters; the random draws follow torchvision's distributions, not its random
 * stream.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
@JsonSubTypes({
  @JsonSubTypes.Type(value = Transform.Rotation.class, name = "rotation"),
  @JsonSubTypes.Type(value = Transform.Affine.class, name = "affine"),
  @JsonSubTypes.Type(value = Transform.ColorJitter.class, name = "color_jitter"),
  @JsonSubTypes.Type(value = Transform.ResizedCrop.class, name = "resized_crop"),
  @JsonSubTypes.Type(value = Transform.Erasing.class, name = "erasing")
})
public sealed interface Transform {

  /** A randomly transformed copy of the {@code rows × cols} image {@code img}. */
  float[] apply(float[] img, int rows, int cols, SplittableRandom rng);

  /**
   * Checks every argument, naming the bad value.
   *
   * @throws IllegalArgumentException on the first invalid argument
   */
  Transform validate();

  /** The transform in words, e.g. {@code rotation ±4° (nearest, fill 1)}. */
  String describe();

  /** The names a configuration gives transforms ({@code rotation}, ...), sorted. */
  static List<String> names() {
    return java.util.Arrays.stream(Transform.class.getAnnotation(JsonSubTypes.class).value())
        .map(JsonSubTypes.Type::name)
        .sorted()
        .toList();
  }

  /** A list of transforms in words, in order: {@code rotation ±6° (…), then affine …}. */
  static String describe(List<Transform> transforms) {
    return String.join(", then ", transforms.stream().map(Transform::describe).toList());
  }

  /**
   * torchvision's {@code RandomRotation((-degrees, degrees), interpolation, fill=fill)}: an angle
   * drawn uniformly, turned counter-clockwise about the centre.
   *
   * @param degrees the largest angle either way
   * @param fill pixel value (0..255) for uncovered pixels
   * @param interpolation {@code nearest} (torchvision's default) or {@code bilinear}
   */
  record Rotation(double degrees, double fill, Interpolation interpolation) implements Transform {
    /** torchvision's default interpolation. */
    public Rotation {
      interpolation = interpolation == null ? Interpolation.NEAREST : interpolation;
    }

    @Override
    public float[] apply(float[] img, int rows, int cols, SplittableRandom rng) {
      return rotate(img, rows, cols, uniform(rng, -degrees, degrees));
    }

    /** {@code F.rotate(img, angle)} on a PIL image: PIL's {@code Image.rotate} matrix. */
    float[] rotate(float[] img, int rows, int cols, double angle) {
      // PIL reduces the angle modulo 360 (Python's, so never negative), rounds cos and sin to 15
      // decimals and turns about (w/2, h/2) in its continuous coordinates.
      double radians = -Math.toRadians(((angle % 360.0) + 360.0) % 360.0);
      double cos = Resampling.round15(Math.cos(radians));
      double sin = Resampling.round15(Math.sin(radians));
      double cx = cols / 2.0;
      double cy = rows / 2.0;
      double[] m = {cos, sin, 0, -sin, cos, 0};
      m[2] = m[0] * -cx + m[1] * -cy + cx;
      m[5] = m[3] * -cx + m[4] * -cy + cy;
      return Resampling.transform(img, rows, cols, m, fill, interpolation);
    }

    @Override
    public Rotation validate() {
      check(degrees > 0 && degrees <= 180, "rotation degrees must be in (0, 180]", degrees);
      checkFill(fill);
      return this;
    }

    @Override
    public String describe() {
      return "rotation ±" + Plain.significant(degrees) + "° (" + how(interpolation, fill) + ")";
    }
  }

  /**
   * torchvision's {@code RandomAffine(degrees, translate=(t, t), scale=(lo, hi), shear=s,
   * interpolation, fill)}: angle, whole-pixel shifts (a fraction of the side, rounded as Python
   * rounds), zoom and horizontal shear drawn uniformly, applied about the centre.
   *
   * @param degrees the largest angle either way; 0 is none
   * @param translate the largest shift either way as a fraction of the side; 0 is none
   * @param scale the zoom range [lo, hi]; empty is none
   * @param shear the largest horizontal shear either way in degrees; 0 is none
   * @param fill pixel value (0..255) for uncovered pixels
   * @param interpolation {@code nearest} (torchvision's default) or {@code bilinear}
   */
  record Affine(
      double degrees,
      double translate,
      List<Double> scale,
      double shear,
      double fill,
      Interpolation interpolation)
      implements Transform {
    /** torchvision's defaults: no zoom, nearest. */
    public Affine {
      scale = scale == null ? List.of() : List.copyOf(scale);
      interpolation = interpolation == null ? Interpolation.NEAREST : interpolation;
    }

    @Override
    public float[] apply(float[] img, int rows, int cols, SplittableRandom rng) {
      double angle = uniform(rng, -degrees, degrees);
      double tx = Math.rint(uniform(rng, -translate * cols, translate * cols));
      double ty = Math.rint(uniform(rng, -translate * rows, translate * rows));
      double zoom = scale.isEmpty() ? 1 : uniform(rng, scale.get(0), scale.get(1));
      double shearX = uniform(rng, -shear, shear);
      return transform(img, rows, cols, angle, tx, ty, zoom, shearX);
    }

    /**
     * {@code F.affine(img, angle, [tx, ty], zoom, [shearX, 0])} on a PIL image: torchvision's
     * inverse matrix ({@code _get_inverse_affine_matrix}) about (w/2, h/2).
     */
    float[] transform(
        float[] img,
        int rows,
        int cols,
        double angle,
        double tx,
        double ty,
        double zoom,
        double shearX) {
      double rot = Math.toRadians(angle);
      double sx = Math.toRadians(shearX);
      double cx = cols * 0.5;
      double cy = rows * 0.5;
      // Rotation-scale-shear with no vertical shear (sy = 0), inverted: det is 1.
      double a = Math.cos(rot);
      double b = -Math.cos(rot) * Math.tan(sx) - Math.sin(rot);
      double c = Math.sin(rot);
      double d = -Math.sin(rot) * Math.tan(sx) + Math.cos(rot);
      double[] m = {d / zoom, -b / zoom, 0, -c / zoom, a / zoom, 0};
      m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
      m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
      m[2] += cx;
      m[5] += cy;
      return Resampling.transform(img, rows, cols, m, fill, interpolation);
    }

    @Override
    public Affine validate() {
      check(degrees >= 0 && degrees <= 180, "affine degrees must be in [0, 180]", degrees);
      check(translate >= 0 && translate < 0.5, "affine translate must be in [0, 0.5)", translate);
      checkRange(scale, "affine scale", 0.1, 10);
      check(shear >= 0 && shear < 60, "affine shear must be in [0, 60) degrees", shear);
      checkFill(fill);
      return this;
    }

    @Override
    public String describe() {
      StringBuilder s = new StringBuilder("affine");
      if (degrees > 0) {
        s.append(" ±").append(Plain.significant(degrees)).append("°");
      }
      if (translate > 0) {
        s.append(", shift ±").append(Plain.percent(translate)).append(" of the side");
      }
      if (!scale.isEmpty()) {
        s.append(", zoom ").append(range(scale));
      }
      if (shear > 0) {
        s.append(", shear ±").append(Plain.significant(shear)).append("°");
      }
      return s.append(" (").append(how(interpolation, fill)).append(")").toString();
    }
  }

  /**
   * torchvision's {@code ColorJitter(brightness, contrast, saturation, hue)} on a grey PIL image:
   * brightness and contrast factors drawn from [1−x, 1+x], applied in a random order (torchvision
   * permutes the four), each blended and truncated to 8 bits as PIL does; contrast blends towards
   * the image's rounded mean. Saturation and hue leave a grey image unchanged (torchvision returns
   * it as it is), so they are accepted only to write a notebook's arguments as they were.
   *
   * @param brightness brightness jitter; 0 is none
   * @param contrast contrast jitter; 0 is none
   * @param saturation accepted, no effect on grey images
   * @param hue accepted, no effect on grey images
   */
  record ColorJitter(double brightness, double contrast, double saturation, double hue)
      implements Transform {
    @Override
    public float[] apply(float[] img, int rows, int cols, SplittableRandom rng) {
      double b = uniform(rng, Math.max(0, 1 - brightness), 1 + brightness);
      double c = uniform(rng, Math.max(0, 1 - contrast), 1 + contrast);
      return jitter(img, b, c, rng.nextBoolean());
    }

    /** PIL's {@code ImageEnhance.Brightness} and {@code Contrast} with these factors. */
    static float[] jitter(float[] img, double b, double c, boolean brightnessFirst) {
      float[] out = img.clone();
      if (brightnessFirst) {
        blend(out, 0, b);
        blend(out, roundedMean(out), c);
      } else {
        blend(out, roundedMean(out), c);
        blend(out, 0, b);
      }
      return out;
    }

    /** {@code int(mean + 0.5)} of the 8-bit image, as {@code ImageEnhance.Contrast} takes it. */
    private static int roundedMean(float[] img) {
      double sum = 0;
      for (float v : img) {
        sum += v;
      }
      return (int) (sum / img.length + 0.5);
    }

    /**
     * PIL's {@code Image.blend(degenerate, image, factor)} with a constant degenerate image: in
     * single precision, then clipped and truncated to 0..255.
     */
    private static void blend(float[] img, int degenerate, double factor) {
      float alpha = (float) factor;
      for (int i = 0; i < img.length; i++) {
        float t = degenerate + alpha * ((int) img[i] - degenerate);
        img[i] = t <= 0 ? 0 : t >= 255 ? 255 : (int) t;
      }
    }

    @Override
    public ColorJitter validate() {
      check(brightness >= 0 && brightness < 1, "brightness must be in [0, 1)", brightness);
      check(contrast >= 0 && contrast < 1, "contrast must be in [0, 1)", contrast);
      check(saturation >= 0, "saturation must not be negative", saturation);
      check(hue >= 0 && hue <= 0.5, "hue must be in [0, 0.5]", hue);
      return this;
    }

    @Override
    public String describe() {
      return "brightness ×"
          + range(List.of(Math.max(0, 1 - brightness), 1 + brightness))
          + ", contrast ×"
          + range(List.of(Math.max(0, 1 - contrast), 1 + contrast))
          + " in random order";
    }
  }

  /**
   * torchvision's {@code RandomResizedCrop(side, scale, ratio)} on a tensor: a box of a random area
   * fraction and aspect ratio (whole pixels, ten tries, else the central crop), resized back to the
   * full image bilinearly.
   *
   * @param scale the area fraction range [lo, hi]
   * @param ratio the aspect ratio range (width / height); empty is torchvision's [3/4, 4/3]
   */
  record ResizedCrop(List<Double> scale, List<Double> ratio) implements Transform {
    /** torchvision's default ratio. */
    public ResizedCrop {
      scale = scale == null ? List.of() : List.copyOf(scale);
      ratio = ratio == null || ratio.isEmpty() ? List.of(3 / 4.0, 4 / 3.0) : List.copyOf(ratio);
    }

    @Override
    public float[] apply(float[] img, int rows, int cols, SplittableRandom rng) {
      int[] box = Box.draw(rows, cols, scale, ratio, rng, false);
      if (box == null) {
        // torchvision's fallback: the largest central crop within the ratio range.
        double inRatio = (double) cols / rows;
        int w = cols;
        int h = rows;
        if (inRatio < ratio.get(0)) {
          h = (int) Math.rint(w / ratio.get(0));
        } else if (inRatio > ratio.get(1)) {
          w = (int) Math.rint(h * ratio.get(1));
        }
        box = new int[] {(rows - h) / 2, (cols - w) / 2, h, w};
      }
      return crop(img, rows, cols, box[0], box[1], box[2], box[3]);
    }

    /**
     * {@code F.resized_crop(tensor, top, left, h, w, [rows, cols], BILINEAR)}: PyTorch's bilinear
     * resize without corner alignment (source = (dst + 0.5)·scale − 0.5, clamped at 0).
     */
    static float[] crop(float[] img, int rows, int cols, int top, int left, int h, int w) {
      float[] out = new float[rows * cols];
      float scaleY = (float) h / rows;
      float scaleX = (float) w / cols;
      for (int y = 0; y < rows; y++) {
        float sy = Math.max(0f, scaleY * (y + 0.5f) - 0.5f);
        int y0 = (int) sy;
        int y1 = y0 + (y0 < h - 1 ? 1 : 0);
        float fy = sy - y0;
        for (int x = 0; x < cols; x++) {
          float sx = Math.max(0f, scaleX * (x + 0.5f) - 0.5f);
          int x0 = (int) sx;
          int x1 = x0 + (x0 < w - 1 ? 1 : 0);
          float fx = sx - x0;
          float top0 = img[(top + y0) * cols + left + x0];
          float top1 = img[(top + y0) * cols + left + x1];
          float bottom0 = img[(top + y1) * cols + left + x0];
          float bottom1 = img[(top + y1) * cols + left + x1];
          out[y * cols + x] =
              (1 - fy) * ((1 - fx) * top0 + fx * top1) + fy * ((1 - fx) * bottom0 + fx * bottom1);
        }
      }
      return out;
    }

    @Override
    public ResizedCrop validate() {
      checkRange(scale, "resized_crop scale", 0.01, 1);
      if (scale.isEmpty()) {
        throw new UsageException("resized_crop needs scale: [lo, hi], e.g. [0.85, 1]");
      }
      checkRange(ratio, "resized_crop ratio", 0.05, 20);
      return this;
    }

    @Override
    public String describe() {
      return "resized crop of " + range(scale) + " of the area, aspect " + range(ratio);
    }
  }

  /**
   * torchvision's {@code RandomErasing(p, scale, ratio, value)}: with probability {@code p}, a box
   * of a random area fraction and aspect ratio set to {@code value} (ten tries, else nothing).
   *
   * @param p probability of erasing
   * @param scale the area fraction range [lo, hi]
   * @param ratio the aspect ratio range (height / width)
   * @param value pixel value (0..255) written into the box; a notebook that erases after {@code
   *     Normalize} with {@code value=0} writes the dataset mean (MNIST: 0.1307 × 255 = 33.33)
   */
  record Erasing(double p, List<Double> scale, List<Double> ratio, double value)
      implements Transform {
    /** torchvision's default ranges. */
    public Erasing {
      scale = scale == null || scale.isEmpty() ? List.of(0.02, 0.33) : List.copyOf(scale);
      ratio = ratio == null || ratio.isEmpty() ? List.of(0.3, 3.3) : List.copyOf(ratio);
    }

    @Override
    public float[] apply(float[] img, int rows, int cols, SplittableRandom rng) {
      if (rng.nextDouble() >= p) {
        return img;
      }
      int[] box = Box.draw(rows, cols, scale, ratio, rng, true);
      if (box == null) {
        return img;
      }
      float[] out = img.clone();
      for (int y = box[0]; y < box[0] + box[2]; y++) {
        java.util.Arrays.fill(out, y * cols + box[1], y * cols + box[1] + box[3], (float) value);
      }
      return out;
    }

    @Override
    public Erasing validate() {
      check(p >= 0 && p <= 1, "erasing p must be in [0, 1]", p);
      checkRange(scale, "erasing scale", 0.001, 1);
      checkRange(ratio, "erasing ratio", 0.05, 20);
      checkFill(value);
      return this;
    }

    @Override
    public String describe() {
      return "erasing p "
          + Plain.significant(p)
          + ", "
          + range(scale)
          + " of the area, value "
          + Plain.significant(value);
    }
  }

  /** torchvision's box search, shared by the resized crop and erasing. */
  final class Box {
    private Box() {}

    /**
     * {@code {top, left, h, w}} of a box whose area fraction is drawn from {@code scale} and aspect
     * from {@code ratio} on a log scale, whole pixels by Python's rounding, placed uniformly; null
     * when ten tries find none that fits. Erasing wants a box strictly smaller than the image and
     * reads its ratio as height / width; the crop allows the whole image and reads width / height.
     */
    static int[] draw(
        int rows,
        int cols,
        List<Double> scale,
        List<Double> ratio,
        SplittableRandom rng,
        boolean erasing) {
      double area = rows * cols;
      for (int attempt = 0; attempt < 10; attempt++) {
        double target = area * uniform(rng, scale.get(0), scale.get(1));
        double aspect = Math.exp(uniform(rng, Math.log(ratio.get(0)), Math.log(ratio.get(1))));
        int first = (int) Math.rint(Math.sqrt(target * aspect));
        int second = (int) Math.rint(Math.sqrt(target / aspect));
        int h = erasing ? first : second;
        int w = erasing ? second : first;
        boolean fits = erasing ? h < rows && w < cols : 0 < w && w <= cols && 0 < h && h <= rows;
        if (fits) {
          return new int[] {rng.nextInt(rows - h + 1), rng.nextInt(cols - w + 1), h, w};
        }
      }
      return null;
    }
  }

  private static double uniform(SplittableRandom rng, double lo, double hi) {
    return hi > lo ? rng.nextDouble(lo, hi) : lo;
  }

  private static String how(Interpolation interpolation, double fill) {
    return interpolation.name().toLowerCase(java.util.Locale.ROOT)
        + ", fill "
        + Plain.significant(fill);
  }

  private static String range(List<Double> r) {
    return Plain.significant(r.get(0)) + "–" + Plain.significant(r.get(1));
  }

  private static void check(boolean ok, String rule, double value) {
    if (!ok) {
      throw new UsageException(rule + ", got " + Plain.number(value));
    }
  }

  private static void checkFill(double fill) {
    check(fill >= 0 && fill <= 255, "fill must be a pixel value in [0, 255]", fill);
  }

  /** An empty range is allowed (the default); otherwise two values lo ≤ hi within [min, max]. */
  private static void checkRange(List<Double> r, String name, double min, double max) {
    if (r.isEmpty()) {
      return;
    }
    if (r.size() != 2
        || r.get(0) == null
        || r.get(1) == null
        || !(r.get(0) <= r.get(1))
        || r.get(0) < min
        || r.get(1) > max) {
      throw new UsageException(
          name
              + " must be two values lo ≤ hi within ["
              + Plain.number(min)
              + ", "
              + Plain.number(max)
              + "], got "
              + r);
    }
  }
}
