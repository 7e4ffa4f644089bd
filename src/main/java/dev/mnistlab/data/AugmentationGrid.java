package dev.mnistlab.data;

import dev.mnistlab.text.Plain;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A picture of what an augmentation does: one row per digit, the original first, then random
 * variants, each pixel drawn as a {@code zoom × zoom} block with a one-block gap between cells. A
 * header names the original column and the variants; a caption below names the settings drawn with.
 */
public final class AugmentationGrid {
  /** Height of the header band above the cells. */
  static final int HEADER = 26;

  /** Height of one caption line below the cells. */
  static final int LINE = 18;

  private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

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
    int width = cellW * (variants + 1) + zoom;
    List<String> caption = wrap("settings: " + describe(augmentation), width - 2 * zoom);
    int gridHeight = cellH * n + zoom;
    BufferedImage image =
        new BufferedImage(
            width, HEADER + gridHeight + caption.size() * LINE + 6, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, image.getHeight());
    // A mid-grey background separates cells from the black digit backgrounds.
    g.setColor(new Color(0x808080));
    g.fillRect(0, HEADER, width, gridHeight);
    g.setFont(FONT);
    g.setColor(Color.BLACK);
    int baseline = HEADER - 8;
    g.drawString(fit(g, "original", cellW), zoom, baseline);
    g.drawString(
        fit(g, variants + " random variants of each →", width - cellW - 2 * zoom),
        zoom + cellW,
        baseline);
    for (int i = 0; i < caption.size(); i++) {
      g.drawString(caption.get(i), zoom, HEADER + gridHeight + (i + 1) * LINE - 2);
    }
    g.dispose();
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
        DigitImages.draw(
            image, pixels, rows, cols, zoom + v * cellW, HEADER + zoom + d * cellH, zoom);
      }
    }
    return image;
  }

  /**
   * The augmentation's active settings in words, e.g. {@code rotation ±7°, cutout 1 hole of 8 px};
   * {@code none} when it changes nothing.
   */
  public static String describe(Augmentation a) {
    if (!a.transforms().isEmpty()) {
      return Transform.describe(a.transforms());
    }
    List<String> parts = new ArrayList<>();
    if (a.rotation() > 0) {
      parts.add("rotation ±" + Plain.significant(a.rotation()) + "°");
    }
    if (a.translate() > 0) {
      parts.add("translate ±" + Plain.significant(a.translate()) + " px");
    }
    if (a.scale() > 0) {
      parts.add("scale ×[" + range(a.scale()) + "]");
    }
    if (a.shear() > 0) {
      parts.add("shear ±" + Plain.significant(a.shear()) + "°");
    }
    if (a.cropScale() > 0) {
      parts.add("random crop, area " + Plain.significant(a.cropScale()) + "–1");
    }
    if (a.elasticAlpha() > 0) {
      parts.add(
          "elastic α "
              + Plain.significant(a.elasticAlpha())
              + " px, σ "
              + Plain.significant(a.elasticSigma())
              + " px");
    }
    if (a.brightness() > 0) {
      parts.add("brightness ×[" + range(a.brightness()) + "]");
    }
    if (a.contrast() > 0) {
      parts.add("contrast ×[" + range(a.contrast()) + "]");
    }
    if (a.cutoutHoles() > 0) {
      parts.add(
          "cutout "
              + a.cutoutHoles()
              + (a.cutoutHoles() == 1 ? " hole" : " holes")
              + " of "
              + a.cutoutSize()
              + " px");
    }
    if (parts.isEmpty()) {
      return "none";
    }
    if (a.fill() > 0) {
      parts.add("fill " + Plain.significant(a.fill()));
    }
    return String.join(", ", parts);
  }

  private static String range(double x) {
    return Plain.significant(1 - x) + ", " + Plain.significant(1 + x);
  }

  /** Splits {@code text} at commas into lines no wider than {@code width} pixels. */
  private static List<String> wrap(String text, int width) {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    FontMetrics fm = g.getFontMetrics(FONT);
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split("(?<=, )")) {
      if (line.length() > 0 && fm.stringWidth(line + word) > width) {
        lines.add(line.toString().strip());
        line.setLength(0);
      }
      line.append(word);
    }
    lines.add(line.toString().strip());
    g.dispose();
    return lines;
  }

  /** {@code text}, cut with an ellipsis to fit {@code width} pixels (a grid may be one cell). */
  private static String fit(Graphics2D g, String text, int width) {
    FontMetrics fm = g.getFontMetrics();
    String t = text;
    while (t.length() > 1 && fm.stringWidth(t) > width) {
      t = t.substring(0, t.length() - 2) + "…";
    }
    return t;
  }
}
