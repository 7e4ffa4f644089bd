package dev.mnistlab.report;

import static dev.mnistlab.report.PngChecks.decode;
import static dev.mnistlab.report.PngChecks.hasSeveralColours;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.run.EpochMetrics;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Every plot of {@link Charts} decodes as a PNG with content. */
class ChartsTest {
  private static List<EpochMetrics> epochs(int n) {
    return IntStream.rangeClosed(1, n)
        .mapToObj(
            e ->
                new EpochMetrics(
                    e, 0.1 / e, 1.0 / e, 90 + e * 0.6, 1.2 / e, 91 + e * 0.55, 30, 2000))
        .toList();
  }

  @Test
  void curvesRenderForManyEpochsAndForOneAndForSeveralRuns() throws Exception {
    for (List<EpochMetrics> run : List.of(epochs(15), epochs(1))) {
      List<Charts.Curve> one = List.of(new Charts.Curve("seed 1", run));
      List<Charts.Curve> two = List.of(new Charts.Curve("seed 1", run), new Charts.Curve("x", run));
      for (Charts.Lines lines : Charts.Lines.values()) {
        assertThat(hasSeveralColours(decode(Charts.lossCurves("loss", one, lines)))).isTrue();
        assertThat(hasSeveralColours(decode(Charts.accuracyCurves("acc", two, lines)))).isTrue();
      }
      LrCurve lr =
          new LrCurve(
              new double[] {1},
              new double[] {0.1},
              false,
              new double[] {1},
              new double[] {0.1},
              "");
      assertThat(hasSeveralColours(decode(Charts.learningRate("lr", lr)))).isTrue();
    }
  }

  @Test
  void aPerBatchRateOverOneEpochRenders() throws Exception {
    // Ticks fall between whole epochs only; their labels are blank, which XChart must accept.
    double[] x = IntStream.rangeClosed(0, 16).mapToDouble(i -> i / 16.0).toArray();
    double[] rate = java.util.Arrays.stream(x).map(v -> 0.01 * (1 - v / 2)).toArray();
    LrCurve lr = new LrCurve(x, rate, true, new double[] {1}, new double[] {0.005}, "");
    assertThat(hasSeveralColours(decode(Charts.learningRate("lr", lr)))).isTrue();
  }

  @Test
  void anAccuracyViewThatHidesEarlyEpochsAddsAFullRangePanel() throws Exception {
    List<EpochMetrics> close =
        IntStream.rangeClosed(1, 15)
            .mapToObj(e -> new EpochMetrics(e, 0.1, 0.1, 99, 0.1, 99 + e * 0.02, 30, 2000))
            .toList();
    List<EpochMetrics> withLowStart = new java.util.ArrayList<>(close);
    withLowStart.set(0, new EpochMetrics(1, 0.1, 2, 20, 2, 15, 30, 2000));
    BufferedImage zoomedOnly =
        decode(
            Charts.accuracyCurves(
                "a", List.of(new Charts.Curve("r", close)), Charts.Lines.TEST_ONLY));
    BufferedImage twoPanels =
        decode(
            Charts.accuracyCurves(
                "a", List.of(new Charts.Curve("r", withLowStart)), Charts.Lines.TEST_ONLY));
    // The zoomed view hides epoch 1 at 15%: a second panel shows every epoch at full range.
    assertThat(twoPanels.getHeight()).isGreaterThan(zoomedOnly.getHeight() + 200);
    assertThat(twoPanels.getWidth()).isEqualTo(zoomedOnly.getWidth());
  }

  @Test
  void badInputsAreNamed() {
    assertThatThrownBy(() -> Charts.lrFinder(new double[3], new double[2], 0.1))
        .hasMessageContaining("got 3 learning rates and 2 losses");
  }

  @Test
  void lrFinderRenders() throws Exception {
    double[] lrs = {1e-4, 1e-3, 1e-2, 1e-1, 1};
    double[] losses = {2.3, 2.1, 1.2, 0.6, 1.9};
    assertThat(hasSeveralColours(decode(Charts.lrFinder(lrs, losses, 0.01)))).isTrue();
  }
}
