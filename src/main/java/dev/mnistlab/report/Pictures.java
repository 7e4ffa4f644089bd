package dev.mnistlab.report;

import dev.mnistlab.data.DigitImages;
import dev.mnistlab.text.Plain;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The report's pictures painted directly with Graphics2D, as PNG bytes: the confusion heat map and
 * the gallery of mistakes. {@link Charts} also finishes its XChart plots here (a note under a
 * chart, a second panel below it, the PNG encoding), so that all hand painting sits in one place.
 * Everything renders headless.
 */
public final class Pictures {
  private Pictures() {}

  /**
   * A confusion matrix as a heat map: rows are true labels, columns predictions, every non-zero
   * count written in its cell. Colour follows the square root of the count so that a few mistakes
   * still show beside a diagonal of a thousand.
   *
   * @throws IllegalArgumentException when the matrix is not square
   */
  public static byte[] confusionHeatMap(String title, long[][] matrix) {
    int n = matrix.length;
    for (long[] row : matrix) {
      if (row.length != n) {
        throw new IllegalArgumentException(
            "a confusion matrix must be square, got " + n + " rows and a row of " + row.length);
      }
    }
    HeatMapLayout layout = new HeatMapLayout(n);
    BufferedImage image =
        new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    long maxCount = 1;
    for (long[] row : matrix) {
      for (long count : row) {
        maxCount = Math.max(maxCount, count);
      }
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    centered(g, title, layout.width() / 2, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    FontMetrics fm = g.getFontMetrics();
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        double strength = Math.sqrt(matrix[r][c] / (double) maxCount);
        g.setColor(blue(strength));
        g.fillRect(layout.left(c), layout.top(r), HeatMapLayout.CELL, HeatMapLayout.CELL);
        if (matrix[r][c] > 0) {
          g.setColor(strength > 0.5 ? Color.WHITE : Color.BLACK);
          centered(
              g,
              Long.toString(matrix[r][c]),
              layout.centerX(c),
              layout.centerY(r) + fm.getAscent() / 2 - 2);
        }
      }
      g.setColor(Color.BLACK);
      centered(
          g, Integer.toString(r), layout.left(0) - 14, layout.centerY(r) + fm.getAscent() / 2 - 2);
      centered(g, Integer.toString(r), layout.centerX(r), layout.top(n) + 18);
    }
    g.setColor(Color.GRAY);
    g.drawRect(layout.left(0), layout.top(0), n * HeatMapLayout.CELL, n * HeatMapLayout.CELL);
    g.setColor(Color.BLACK);
    centered(
        g, "predicted", layout.centerX(0) + (n - 1) * HeatMapLayout.CELL / 2, layout.top(n) + 40);
    colourScale(g, layout, maxCount);
    g.rotate(-Math.PI / 2);
    centered(g, "true", -(layout.centerY(0) + (n - 1) * HeatMapLayout.CELL / 2), 22);
    g.dispose();
    return encode(image);
  }

  /** The colour bar right of the heat map: counts from 0 to the largest, on the √ scale used. */
  private static void colourScale(Graphics2D g, HeatMapLayout layout, long maxCount) {
    int left = layout.scaleLeft();
    int top = layout.top(0);
    int height = layout.n() * HeatMapLayout.CELL;
    for (int y = 0; y < height; y++) {
      g.setColor(blue(1 - y / (double) (height - 1)));
      g.fillRect(left, top + y, HeatMapLayout.SCALE_WIDTH, 1);
    }
    g.setColor(Color.GRAY);
    g.drawRect(left, top, HeatMapLayout.SCALE_WIDTH, height);
    g.setColor(Color.BLACK);
    FontMetrics fm = g.getFontMetrics();
    for (int k = 0; k <= 4; k++) {
      double strength = k / 4.0;
      long count = Math.round(strength * strength * maxCount);
      int y = top + (int) Math.round((1 - strength) * (height - 1));
      g.drawLine(left + HeatMapLayout.SCALE_WIDTH, y, left + HeatMapLayout.SCALE_WIDTH + 4, y);
      g.drawString(
          Plain.count(count), left + HeatMapLayout.SCALE_WIDTH + 7, y + fm.getAscent() / 2 - 1);
    }
    centered(g, "count (√ scale)", left + HeatMapLayout.SCALE_WIDTH, top - 8);
  }

  /** Cell positions of the heat map, shared by drawing and tests. */
  record HeatMapLayout(int n) {
    static final int CELL = 52;
    static final int MARGIN_LEFT = 60;
    static final int MARGIN_TOP = 54;
    static final int SCALE_WIDTH = 18;

    int width() {
      return scaleLeft() + SCALE_WIDTH + 70;
    }

    /** Left edge of the colour scale. */
    int scaleLeft() {
      return MARGIN_LEFT + n * CELL + 30;
    }

    int height() {
      return MARGIN_TOP + n * CELL + 56;
    }

    int left(int column) {
      return MARGIN_LEFT + column * CELL;
    }

    int top(int row) {
      return MARGIN_TOP + row * CELL;
    }

    int centerX(int column) {
      return left(column) + CELL / 2;
    }

    int centerY(int row) {
      return top(row) + CELL / 2;
    }
  }

  /**
   * A misclassified digit for {@link #misclassifiedGallery}.
   *
   * @param pixels grey values 0–255, row-major
   * @param confidence the probability the network gave its wrong answer
   */
  public record Misclassified(
      float[] pixels, int rows, int cols, int trueLabel, int predictedLabel, double confidence) {
    /** Checks the image size. */
    public Misclassified {
      if (pixels.length != rows * cols) {
        throw new IllegalArgumentException(
            "a "
                + rows
                + "×"
                + cols
                + " digit needs "
                + rows * cols
                + " pixels, got "
                + pixels.length);
      }
    }
  }

  /** Height of the gallery's line explaining its captions. */
  static final int GALLERY_HEADER = 24;

  /**
   * Misclassified digits in a grid, each captioned "true → predicted (confidence)", which a line
   * above the grid explains.
   */
  public static byte[] misclassifiedGallery(List<Misclassified> digits, int columns) {
    if (columns < 1) {
      throw new IllegalArgumentException("columns must be at least 1, got " + columns);
    }
    int zoom = 3;
    int cellW = 28 * zoom + 40;
    int cellH = 28 * zoom + 26;
    if (digits.isEmpty()) {
      BufferedImage image = new BufferedImage(360, 60, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = canvas(image);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
      centered(g, "no misclassified digits", 180, 36);
      g.dispose();
      return encode(image);
    }
    int cols = Math.min(columns, digits.size());
    int rows = (digits.size() + cols - 1) / cols;
    BufferedImage image =
        new BufferedImage(
            Math.max(cols * cellW, 420), GALLERY_HEADER + rows * cellH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString("each: true → predicted (the network's confidence in its answer)", 6, 16);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i < digits.size(); i++) {
      Misclassified d = digits.get(i);
      int left = (i % cols) * cellW + (cellW - d.cols() * zoom) / 2;
      int top = GALLERY_HEADER + (i / cols) * cellH + 4;
      DigitImages.draw(image, d.pixels(), d.rows(), d.cols(), left, top, zoom);
      g.setColor(Color.BLACK);
      centered(
          g,
          String.format(
              Locale.ROOT, "%d → %d (%.2f)", d.trueLabel(), d.predictedLabel(), d.confidence()),
          (i % cols) * cellW + cellW / 2,
          top + d.rows() * zoom + 16);
    }
    g.dispose();
    return encode(image);
  }

  /**
   * {@code chart} with {@code note} in a grey line under it: what a reader must know to read it
   * right (a zoomed view, line styles), where a title would be cut off.
   */
  static BufferedImage withNote(BufferedImage chart, String note) {
    if (note.isEmpty()) {
      return chart;
    }
    BufferedImage image =
        new BufferedImage(chart.getWidth(), chart.getHeight() + 26, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    g.drawImage(chart, 0, 0, null);
    g.setColor(new Color(0x555555));
    g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 13));
    g.drawString(note, 12, chart.getHeight() + 14);
    g.dispose();
    return image;
  }

  /**
   * {@code top} above {@code bottom} in one picture, a light grey line between them: a chart and
   * the panel that completes it read as one figure.
   */
  static BufferedImage stacked(BufferedImage top, BufferedImage bottom) {
    // Charts are drawn at one width, so the top one's is the picture's.
    int width = top.getWidth();
    BufferedImage both =
        new BufferedImage(width, top.getHeight() + bottom.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = both.createGraphics();
    g.drawImage(top, 0, 0, null);
    g.drawImage(bottom, 0, top.getHeight(), null);
    g.setColor(Color.LIGHT_GRAY);
    g.drawLine(0, top.getHeight(), width, top.getHeight());
    g.dispose();
    return both;
  }

  /** {@code image} as the bytes of a PNG file. */
  static byte[] encode(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Graphics2D canvas(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1));
    return g;
  }

  private static void centered(Graphics2D g, String text, int x, int baseline) {
    g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
  }

  /** White at 0, dark blue at 1. */
  private static Color blue(double strength) {
    double s = Math.max(0, Math.min(1, strength));
    return new Color(
        (int) Math.round(255 - s * (255 - 8)),
        (int) Math.round(255 - s * (255 - 48)),
        (int) Math.round(255 - s * (255 - 107)));
  }
}
