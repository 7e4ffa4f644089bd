package dev.mnistlab.report;

import dev.mnistlab.run.EpochMetrics;
import dev.mnistlab.text.Plain;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
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
 * The report's plots as PNG bytes, drawn with XChart: curves per epoch, the learning rate and the
 * LR range test. A note under a plot and a second panel below it are painted on by {@link
 * Pictures}. Everything renders headless.
 *
 * <p>The house style and the helpers that apply it are package-private, so that {@link
 * ParameterCharts} (accuracy against parameters) draws the same way without a copy of them.
 */
public final class Charts {
  private static final int WIDTH = 800;

  /** A plot's height in pixels; a taller one is asked for where a legend takes room. */
  static final int HEIGHT = 420;

  private static final double TARGET = Analysis.TARGET;

  /** Matplotlib's tab10: distinct, familiar colours for runs drawn together. */
  private static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f),
    new Color(0xbcbd22),
    new Color(0x17becf)
  };

  private Charts() {}

  /** The palette's colour for the {@code index}-th of several things drawn together, cycling. */
  static Color colour(int index) {
    return PALETTE[index % PALETTE.length];
  }

  /**
   * One run's per-epoch metrics under a label, for charts that overlay several runs.
   *
   * @param label what the legend calls it ({@code seed 2}, a run's name)
   * @param reference drawn in black with square markers, set apart from the runs' colours (an
   *     author's published log beside mnistlab's runs)
   */
  public record Curve(String label, List<EpochMetrics> epochs, boolean reference) {
    /** Checks that there is something to draw. */
    public Curve {
      if (epochs.isEmpty()) {
        throw new IllegalArgumentException(label + ": no epochs to draw");
      }
    }

    /** A run's curve. */
    public Curve(String label, List<EpochMetrics> epochs) {
      this(label, epochs, false);
    }
  }

  /**
   * Which lines a curve chart draws per run: train and test, or test alone (for comparing runs).
   */
  public enum Lines {
    TRAIN_AND_TEST,
    TEST_ONLY
  }

  /**
   * Loss per epoch, on a log axis when it spans a factor of 5 or more (the late epochs, where runs
   * differ, would otherwise lie flat on the floor).
   */
  public static byte[] lossCurves(String title, List<Curve> runs, Lines lines) {
    double low = Double.POSITIVE_INFINITY;
    double high = 0;
    for (Curve c : runs) {
      for (EpochMetrics e : c.epochs()) {
        for (double v :
            lines == Lines.TEST_ONLY
                ? new double[] {e.testLoss()}
                : new double[] {e.trainLoss(), e.testLoss()}) {
          low = Math.min(low, v);
          high = Math.max(high, v);
        }
      }
    }
    boolean log = low > 0 && high / low >= 5;
    XYChart chart = chart(title, "epoch", "cross-entropy loss" + (log ? " (log scale)" : ""));
    if (log) {
      logarithmic(chart, false, low);
    }
    drawCurves(chart, runs, lines, EpochMetrics::trainLoss, EpochMetrics::testLoss);
    return png(chart, legendNote(runs, lines));
  }

  /**
   * Accuracy per epoch with the 99.40% target. The view is zoomed to the late epochs so that
   * differences around the target stay visible; when that hides early points, a second panel below
   * shows every epoch at full range and the title says where the zoomed view starts.
   */
  public static byte[] accuracyCurves(String title, List<Curve> runs, Lines lines) {
    double lateLow = Double.POSITIVE_INFINITY;
    double allLow = Double.POSITIVE_INFINITY;
    for (Curve c : runs) {
      List<EpochMetrics> epochs = c.epochs();
      for (int i = 0; i < epochs.size(); i++) {
        double v = accuracyLow(epochs.get(i), lines);
        allLow = Math.min(allLow, v);
        if (i >= epochs.size() / 3) {
          lateLow = Math.min(lateLow, v);
        }
      }
    }
    // Early epochs can sit far below; showing only everything would flatten the part that matters.
    double zoomLow = Math.max(0, Math.min(TARGET - 0.4, Math.floor(lateLow * 2 - 0.5) / 2));
    boolean zoomed = allLow < zoomLow;
    XYChart main = accuracyChart(title, runs, lines, zoomLow, HEIGHT);
    String note =
        (zoomed
                ? "Zoomed view from "
                    + Plain.significant(zoomLow)
                    + "%: lower points are cut off here; the panel below shows every epoch. "
                : "")
            + legendNote(runs, lines);
    BufferedImage top = Pictures.withNote(BitmapEncoder.getBufferedImage(main), note.strip());
    if (!zoomed) {
      return Pictures.encode(top);
    }
    XYChart full =
        accuracyChart(
            "All epochs, full range (lowest " + Plain.significant(allLow) + "%)",
            runs,
            lines,
            Math.max(0, Math.floor(allLow / 10) * 10),
            260);
    full.getStyler().setLegendVisible(false);
    full.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    BufferedImage bottom = BitmapEncoder.getBufferedImage(full);
    return Pictures.encode(Pictures.stacked(top, bottom));
  }

  private static double accuracyLow(EpochMetrics e, Lines lines) {
    return lines == Lines.TEST_ONLY ? e.testAcc() : Math.min(e.trainAcc(), e.testAcc());
  }

  private static XYChart accuracyChart(
      String title, List<Curve> runs, Lines lines, double low, int height) {
    XYChart chart = chart(title, "epoch", "accuracy (%)", height);
    drawCurves(chart, runs, lines, EpochMetrics::trainAcc, EpochMetrics::testAcc);
    chart.getStyler().setYAxisMin(low);
    chart.getStyler().setYAxisMax(100.0);
    int first = runs.stream().mapToInt(c -> c.epochs().get(0).epoch()).min().orElse(1);
    int last =
        runs.stream().mapToInt(c -> c.epochs().get(c.epochs().size() - 1).epoch()).max().orElse(1);
    reference(chart, first, last, TARGET);
    // Accuracy curves climb towards the top right, where the legend would sit on them.
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    return chart;
  }

  /**
   * A log axis. XChart ignores the log scale when a tick formatter is set, so its own labels are
   * used, with a pattern that writes 0.01, 0.1 and 1 (losses never need an exponent: below 10⁻⁴ the
   * pattern still has the digits).
   */
  static void logarithmic(XYChart chart, boolean xAxis, double low) {
    int decimals = Math.max(1, (int) Math.ceil(-Math.log10(low)) + 1);
    String pattern = "#,##0." + "#".repeat(decimals);
    if (xAxis) {
      chart.getStyler().setxAxisTickLabelsFormattingFunction(null);
      chart.getStyler().setXAxisLogarithmic(true);
      // Labels at every decade only: parameter counts and rates would crowd between them.
      chart.getStyler().setXAxisDecimalPattern(pattern);
    } else {
      chart.getStyler().setyAxisTickLabelsFormattingFunction(null);
      chart.getStyler().setYAxisLogarithmic(true);
      chart.getStyler().setYAxisDecimalPattern(pattern);
      chart.getStyler().setYAxisLogarithmicDecadeOnly(false);
    }
  }

  /** Says how to read a chart of several runs, whose legend names runs rather than lines. */
  private static String legendNote(List<Curve> runs, Lines lines) {
    if (runs.size() > 1) {
      return lines == Lines.TRAIN_AND_TEST ? "Solid: test, dashed: train." : "Test set.";
    }
    return "";
  }

  /**
   * One run: train and test in two colours, named so. Several: a colour per run, test solid with
   * markers and train dashed, the legend naming the runs.
   */
  private static void drawCurves(
      XYChart chart,
      List<Curve> runs,
      Lines lines,
      ToDoubleFunction<EpochMetrics> train,
      ToDoubleFunction<EpochMetrics> test) {
    if (runs.size() == 1 && lines == Lines.TRAIN_AND_TEST) {
      line(chart, "train", runs.get(0).epochs(), train).setLineColor(PALETTE[0]);
      line(chart, "test", runs.get(0).epochs(), test).setLineColor(PALETTE[1]);
      chart.getSeriesMap().get("train").setMarkerColor(PALETTE[0]);
      chart.getSeriesMap().get("test").setMarkerColor(PALETTE[1]);
      return;
    }
    for (int i = 0; i < runs.size(); i++) {
      Curve c = runs.get(i);
      Color colour = c.reference() ? Color.BLACK : colour(i);
      XYSeries t = line(chart, unique(chart, c.label()), c.epochs(), test);
      t.setLineColor(colour);
      t.setMarkerColor(colour);
      if (c.reference()) {
        t.setMarker(SeriesMarkers.SQUARE);
        t.setLineStyle(SeriesLines.DASH_DOT);
      }
      if (lines == Lines.TRAIN_AND_TEST) {
        XYSeries tr = line(chart, unique(chart, c.label() + " train"), c.epochs(), train);
        tr.setLineColor(colour);
        tr.setMarker(SeriesMarkers.NONE);
        tr.setLineStyle(SeriesLines.DASH_DASH);
        tr.setShowInLegend(false);
      }
    }
  }

  /** XChart refuses two series of one name; two runs may share a label. */
  static String unique(XYChart chart, String name) {
    String n = name;
    for (int k = 2; chart.getSeriesMap().containsKey(n); k++) {
      n = name + " (" + k + ")";
    }
    return n;
  }

  /**
   * The learning rate over a run, as {@link LrCurve} computed it: per optimizer step where the
   * schedule allows, with the rates the run recorded at each epoch's end marked on it.
   */
  public static byte[] learningRate(String title, LrCurve curve) {
    XYChart chart = chart(title, "epoch", "learning rate");
    // Batches sit between epochs; labels at whole epochs only keep the axis readable. A blank,
    // not an empty label: XChart cannot lay out an empty string (a one-epoch run has ticks at
    // 0.1, 0.2, ...).
    chart
        .getStyler()
        .setxAxisTickLabelsFormattingFunction(v -> v == Math.rint(v) ? Plain.significant(v) : " ");
    chart.getStyler().setYAxisMin(0.0);
    XYSeries line =
        chart.addSeries(curve.perStep() ? "per batch" : "per epoch", curve.x(), curve.lr());
    line.setMarker(curve.perStep() ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    line.setLineColor(PALETTE[0]);
    line.setMarkerColor(PALETTE[0]);
    if (curve.perStep()) {
      XYSeries recorded =
          chart.addSeries(
              "recorded at each epoch's end", curve.recordedEpochs(), curve.recordedLr());
      recorded.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      recorded.setMarker(SeriesMarkers.CIRCLE);
      recorded.setMarkerColor(PALETTE[1]);
    }
    chart.getStyler().setXAxisMin(0.0);
    String note = curve.note().isEmpty() ? "" : "Learning rate " + curve.note() + ".";
    return png(chart, note);
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
    logarithmic(chart, true, min(lrs));
    chart.getStyler().setLegendVisible(false);
    XYSeries series = chart.addSeries("loss", lrs, losses);
    series.setMarker(SeriesMarkers.NONE);
    chart.addAnnotation(new AnnotationLine(suggestedLr, true, false));
    chart.addAnnotation(
        new AnnotationText(
            "suggested max_lr " + Plain.significant(suggestedLr), suggestedLr, max(losses), false));
    return png(chart);
  }

  static XYChart chart(String title, String xTitle, String yTitle) {
    return chart(title, xTitle, yTitle, HEIGHT);
  }

  /** A chart in the house style, {@code height} pixels tall. */
  static XYChart chart(String title, String xTitle, String yTitle, int height) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(height)
            .title(title)
            .xAxisTitle(xTitle)
            .yAxisTitle(yTitle)
            .build();
    style(chart);
    return chart;
  }

  /**
   * The house style: white, readable fonts, and tick labels as {@link Plain#significant} writes
   * them.
   */
  private static void style(XYChart chart) {
    Styler styler = chart.getStyler();
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.InsideNE);
    styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setxAxisTickLabelsFormattingFunction(Plain::significant);
    chart.getStyler().setyAxisTickLabelsFormattingFunction(Plain::significant);
  }

  private static XYSeries line(
      XYChart chart, String name, List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> value) {
    double[] x = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
    double[] y = epochs.stream().mapToDouble(value).toArray();
    XYSeries series = chart.addSeries(name, x, y);
    series.setMarker(SeriesMarkers.CIRCLE);
    return series;
  }

  /**
   * A dashed grey horizontal line at {@code value}, labelled, from {@code from} to {@code to} on
   * the x axis. Drawn as a line even in a scatter chart, whose default would leave two dots.
   */
  static void reference(XYChart chart, double from, double to, double value) {
    XYSeries target =
        chart.addSeries(
            String.format(Locale.ROOT, "%.2f target", value),
            new double[] {from, to},
            new double[] {value, value});
    target.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    target.setMarker(SeriesMarkers.NONE);
    target.setLineStyle(SeriesLines.DASH_DASH);
    target.setLineColor(Color.GRAY);
  }

  /** {@code chart} as PNG bytes with {@code note} under it (none when the note is empty). */
  static byte[] png(XYChart chart, String note) {
    return Pictures.encode(Pictures.withNote(BitmapEncoder.getBufferedImage(chart), note));
  }

  /** {@code chart} as PNG bytes, as XChart encodes it. */
  static byte[] png(XYChart chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static double max(double[] values) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      m = Math.max(m, v);
    }
    return m;
  }

  static double min(double[] values) {
    double m = Double.POSITIVE_INFINITY;
    for (double v : values) {
      m = Math.min(m, v);
    }
    return m;
  }
}
