package dev.mnistlab.report;

import static dev.mnistlab.report.Charts.HEIGHT;
import static dev.mnistlab.report.Charts.chart;
import static dev.mnistlab.report.Charts.colour;
import static dev.mnistlab.report.Charts.logarithmic;
import static dev.mnistlab.report.Charts.max;
import static dev.mnistlab.report.Charts.min;
import static dev.mnistlab.report.Charts.png;
import static dev.mnistlab.report.Charts.reference;
import static dev.mnistlab.report.Charts.unique;

import dev.mnistlab.text.Plain;
import java.awt.Color;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Scatter plots of accuracy against trainable parameters, as PNG bytes: an experiment's steps and a
 * search's candidates. They share {@link Charts}' house style and helpers; they live apart because
 * a point here is a whole run, not an epoch.
 */
public final class ParameterCharts {
  private static final double TARGET = Analysis.TARGET;

  private ParameterCharts() {}

  /**
   * One point of {@link #accuracyVsParameters}.
   *
   * @param label the step's name
   */
  public record Point(String label, long parameters, double bestTestAccuracy) {}

  /**
   * Best test accuracy against trainable parameters: each step a numbered point, the legend naming
   * the numbers. Steps sharing a parameter count (the same model trained differently) are spread
   * sideways by a few pixels' worth, which a note under the plot says, so that none hides another.
   */
  public static byte[] accuracyVsParameters(String title, List<Point> points) {
    double[] x = points.stream().mapToDouble(Point::parameters).toArray();
    double[] y = points.stream().mapToDouble(Point::bestTestAccuracy).toArray();
    double lo = min(x);
    double hi = max(x);
    boolean log = hi > 10 * lo;
    // A spread of 1.5% of the axis per neighbour: visible, yet far below any real difference.
    double spread = log ? 0.015 * Math.log10(hi / lo) : 0.015 * Math.max(hi - lo, 0.2 * hi);
    double[] shown = x.clone();
    boolean jittered = false;
    for (int i = 0; i < points.size(); i++) {
      int same = 0;
      int rank = 0;
      for (int j = 0; j < points.size(); j++) {
        if (x[j] == x[i]) {
          same++;
          if (j < i) {
            rank++;
          }
        }
      }
      if (same > 1) {
        jittered = true;
        double offset = (rank - (same - 1) / 2.0) * spread;
        shown[i] = log ? x[i] * Math.pow(10, offset) : x[i] + offset;
      }
    }
    XYChart chart =
        chart(
            title,
            "trainable parameters" + (log ? " (log scale)" : ""),
            "best test accuracy (%)",
            HEIGHT + 22 * points.size());
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
    if (log) {
      logarithmic(chart, true, lo);
    }
    double pad = 0.15 * Math.max(hi - lo, 0.2 * hi);
    double axisMin = log ? lo / 1.5 : Math.max(0, lo - pad);
    double axisMax = log ? hi * 1.5 : hi + pad;
    chart.getStyler().setXAxisMin(axisMin);
    chart.getStyler().setXAxisMax(axisMax);
    chart.getStyler().setYAxisMax(Math.max(100.0, max(y)));
    chart.getStyler().setYAxisMin(Math.min(TARGET - 0.5, Math.floor(min(y)) - 0.1));
    for (int i = 0; i < points.size(); i++) {
      Point p = points.get(i);
      String number = Integer.toString(i + 1);
      // Step names often start with their own number ("3 Rotation"); then it is not repeated.
      String name = p.label().startsWith(number + " ") ? p.label() : number + ": " + p.label();
      XYSeries series =
          chart.addSeries(
              unique(
                  chart,
                  name
                      + " ("
                      + Plain.count(p.parameters())
                      + ", "
                      + String.format(Locale.ROOT, "%.2f%%", p.bestTestAccuracy())
                      + ")"),
              new double[] {shown[i]},
              new double[] {y[i]});
      series.setMarker(SeriesMarkers.CIRCLE);
      series.setMarkerColor(colour(i));
      // The number sits just right of its point: close enough to belong, clear of the marker.
      double labelX =
          log
              ? shown[i] * Math.pow(axisMax / axisMin, 0.02)
              : shown[i] + 0.02 * (axisMax - axisMin);
      chart.addAnnotation(new AnnotationText(number, labelX, y[i], false));
    }
    reference(chart, axisMin, axisMax, TARGET);
    return png(
        chart,
        jittered
            ? "Points of equal parameter count are spread sideways so that none hides another."
            : "");
  }

  /**
   * One candidate of {@link #searchFront}.
   *
   * @param accuracy the ranking run's final test accuracy (%)
   * @param onFront on the Pareto front (no candidate smaller and at least as accurate)
   * @param finalist a finalist: trained fully
   */
  public record Candidate(long parameters, double accuracy, boolean onFront, boolean finalist) {}

  /**
   * A search's candidates: ranking-run accuracy against parameters, the Pareto front joined by a
   * line, the candidates trained fully marked with diamonds.
   */
  public static byte[] searchFront(String title, List<Candidate> candidates) {
    XYChart chart = chart(title, "trainable parameters", "test accuracy after the short run (%)");
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    // Below the plot, not inside it: candidates can sit in any corner.
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setMarkerSize(8);
    // Padding keeps the outermost candidates clear of the frame.
    double[] xs = candidates.stream().mapToDouble(Candidate::parameters).toArray();
    double[] ys = candidates.stream().mapToDouble(Candidate::accuracy).toArray();
    double padX = Math.max(0.05 * (max(xs) - min(xs)), 50);
    double padY = Math.max(0.08 * (max(ys) - min(ys)), 0.05);
    chart.getStyler().setXAxisMin(min(xs) - padX);
    chart.getStyler().setXAxisMax(max(xs) + padX);
    chart.getStyler().setYAxisMin(min(ys) - padY);
    chart.getStyler().setYAxisMax(max(ys) + padY);
    List<Candidate> others = candidates.stream().filter(c -> !c.onFront()).toList();
    List<Candidate> front =
        candidates.stream()
            .filter(Candidate::onFront)
            .sorted(Comparator.comparingLong(Candidate::parameters))
            .toList();
    List<Candidate> finalists = candidates.stream().filter(Candidate::finalist).toList();
    if (!others.isEmpty()) {
      XYSeries series = series(chart, "other candidates", others);
      series.setMarker(SeriesMarkers.CIRCLE);
      series.setMarkerColor(new Color(150, 150, 150));
    }
    if (!front.isEmpty()) {
      XYSeries series = series(chart, "Pareto front", front);
      series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
      series.setMarker(SeriesMarkers.CIRCLE);
      series.setMarkerColor(colour(0));
      series.setLineColor(colour(0));
    }
    if (!finalists.isEmpty()) {
      XYSeries series = series(chart, "finalists (trained fully)", finalists);
      series.setMarker(SeriesMarkers.DIAMOND);
      series.setMarkerColor(colour(1));
    }
    return png(chart);
  }

  /** Some of the candidates as one series: parameters across, accuracy up. */
  private static XYSeries series(XYChart chart, String name, List<Candidate> some) {
    return chart.addSeries(
        name,
        some.stream().mapToDouble(Candidate::parameters).toArray(),
        some.stream().mapToDouble(Candidate::accuracy).toArray());
  }
}
