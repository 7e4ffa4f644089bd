package dev.mnistlab.report;

import dev.mnistlab.data.DigitImages;
import dev.mnistlab.train.EpochMetrics;
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
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's pictures as PNG bytes: curves and scatter plots drawn with XChart, the confusion
 * heat map and the gallery of mistakes drawn directly. Everything renders headless.
 */
public final class Charts {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 420;
  private static final double TARGET = Analysis.TARGET;

  private Charts() {}

  /** Train and test loss per epoch. */
  public static byte[] lossCurves(String title, List<EpochMetrics> epochs) {
    XYChart chart = chart(title, "epoch", "cross-entropy loss");
    line(chart, "train", epochs, EpochMetrics::trainLoss);
    line(chart, "test", epochs, EpochMetrics::testLoss);
    return png(chart);
  }

  /**
   * Train and test accuracy per epoch with the 99.40% target; the y axis starts near the lowest
   * late value so that differences around the target stay visible.
   */
  public static byte[] accuracyCurves(String title, List<EpochMetrics> epochs) {
    XYChart chart = chart(title, "epoch", "accuracy (%)");
    line(chart, "train", epochs, EpochMetrics::trainAcc);
    line(chart, "test", epochs, EpochMetrics::testAcc);
    // Early epochs can sit far below; showing everything would flatten the part that matters.
    double low =
        epochs.subList(epochs.size() / 3, epochs.size()).stream()
            .mapToDouble(e -> Math.min(e.trainAcc(), e.testAcc()))
            .min()
            .orElse(90);
    chart.getStyler().setYAxisMin(Math.min(TARGET - 0.4, Math.floor(low * 2 - 0.5) / 2));
    chart.getStyler().setYAxisMax(100.0);
    reference(chart, epochs.get(0).epoch(), epochs.get(epochs.size() - 1).epoch(), TARGET);
    // Accuracy curves climb towards the top right, where the legend would sit on them.
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    return png(chart);
  }

  /** The learning rate of each epoch's last batch. */
  public static byte[] learningRate(String title, List<EpochMetrics> epochs) {
    XYChart chart = chart(title, "epoch", "learning rate");
    line(chart, "lr", epochs, EpochMetrics::lr);
    chart.getStyler().setLegendVisible(false);
    return png(chart);
  }

  /**
   * The LR range test: smoothed loss against learning rate (log axis), the suggestion marked.
   *
   * @throws IllegalArgumentException when the arrays differ in length or are empty
   */
  public static byte[] lrFinder(double[] lrs, double[] losses, double suggestedLr) {
    if (lrs.length != losses.length || lrs.length == 0) {
      throw new IllegalArgumentException(
          "need as many losses as learning rates (and some), got "
              + lrs.length
              + " learning rates and "
              + losses.length
              + " losses");
    }
    XYChart chart = chart("LR range test", "learning rate (log scale)", "smoothed training loss");
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setLegendVisible(false);
    XYSeries series = chart.addSeries("loss", lrs, losses);
    series.setMarker(SeriesMarkers.NONE);
    chart.addAnnotation(new AnnotationLine(suggestedLr, true, false));
    chart.addAnnotation(
        new AnnotationText(
            String.format(Locale.ROOT, "suggested max_lr %.3g", suggestedLr),
            suggestedLr,
            max(losses),
            false));
    return png(chart);
  }

  /**
   * One point of {@link #accuracyVsParameters}.
   *
   * @param label the step's name
   */
  public record Point(String label, long parameters, double bestTestAccuracy) {}

  /** Best test accuracy against trainable parameters, one labelled point per step. */
  public static byte[] accuracyVsParameters(String title, List<Point> points) {
    XYChart chart = chart(title, "trainable parameters", "best test accuracy (%)");
    double[] x = points.stream().mapToDouble(Point::parameters).toArray();
    double[] y = points.stream().mapToDouble(Point::bestTestAccuracy).toArray();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendVisible(false);
    if (max(x) > 10 * min(x)) {
      chart.getStyler().setXAxisLogarithmic(true);
    }
    chart.getStyler().setYAxisMax(Math.max(100.0, max(y)));
    chart.getStyler().setYAxisMin(Math.min(TARGET - 0.5, Math.floor(min(y)) - 0.1));
    XYSeries series = chart.addSeries("steps", x, y);
    series.setMarker(SeriesMarkers.CIRCLE);
    for (Point p : points) {
      chart.addAnnotation(
          new AnnotationText(p.label(), p.parameters(), p.bestTestAccuracy(), false));
    }
    chart.addAnnotation(new AnnotationLine(TARGET, false, false));
    return png(chart);
  }

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
    g.rotate(-Math.PI / 2);
    centered(g, "true", -(layout.centerY(0) + (n - 1) * HeatMapLayout.CELL / 2), 22);
    g.dispose();
    return encode(image);
  }

  /** Cell positions of the heat map, shared by drawing and tests. */
  record HeatMapLayout(int n) {
    static final int CELL = 52;
    static final int MARGIN_LEFT = 60;
    static final int MARGIN_TOP = 44;

    int width() {
      return MARGIN_LEFT + n * CELL + 24;
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

  /** Misclassified digits in a grid, each captioned with its true and predicted label. */
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
    BufferedImage image = new BufferedImage(cols * cellW, rows * cellH, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(image);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i < digits.size(); i++) {
      Misclassified d = digits.get(i);
      int left = (i % cols) * cellW + (cellW - d.cols() * zoom) / 2;
      int top = (i / cols) * cellH + 4;
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

  private static XYChart chart(String title, String xTitle, String yTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    Styler styler = chart.getStyler();
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.InsideNE);
    styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    return chart;
  }

  private static void line(
      XYChart chart,
      String name,
      List<EpochMetrics> epochs,
      java.util.function.ToDoubleFunction<EpochMetrics> value) {
    double[] x = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
    double[] y = epochs.stream().mapToDouble(value).toArray();
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.CIRCLE);
  }

  /** A dashed grey horizontal line at {@code value}, labelled, across the epochs. */
  private static void reference(XYChart chart, int firstEpoch, int lastEpoch, double value) {
    XYSeries target =
        chart.addSeries(
            String.format(Locale.ROOT, "%.2f target", value),
            new double[] {firstEpoch, lastEpoch},
            new double[] {value, value});
    target.setMarker(SeriesMarkers.NONE);
    target.setLineStyle(SeriesLines.DASH_DASH);
    target.setLineColor(Color.GRAY);
  }

  private static byte[] png(XYChart chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
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

  private static byte[] encode(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double max(double[] values) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  private static double min(double[] values) {
    double m = Double.POSITIVE_INFINITY;
    for (double v : values) {
      m = Math.min(m, v);
    }
    return m;
  }
}
