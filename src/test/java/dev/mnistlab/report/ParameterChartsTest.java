package dev.mnistlab.report;

import static dev.mnistlab.report.PngChecks.decode;
import static dev.mnistlab.report.PngChecks.hasSeveralColours;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scatter plots of accuracy against parameters decode as PNGs with content. */
class ParameterChartsTest {
  @Test
  void aSearchFrontRendersWithOneCandidateOrMany() throws Exception {
    List<ParameterCharts.Candidate> many =
        List.of(
            new ParameterCharts.Candidate(4100, 98.9, true, true),
            new ParameterCharts.Candidate(4600, 99.1, true, true),
            new ParameterCharts.Candidate(4800, 98.7, false, false));
    assertThat(hasSeveralColours(decode(ParameterCharts.searchFront("front", many)))).isTrue();
    assertThat(decode(ParameterCharts.searchFront("one", many.subList(0, 1))).getWidth())
        .isEqualTo(800);
  }

  @Test
  void accuracyVsParametersRendersOnALogAxisAndWithSharedCounts() throws Exception {
    assertThat(
            hasSeveralColours(
                decode(
                    ParameterCharts.accuracyVsParameters(
                        "acc",
                        List.of(
                            new ParameterCharts.Point("big", 6_000_000, 99.3),
                            new ParameterCharts.Point("small", 7_900, 99.45))))))
        .isTrue();
    // Four steps of one model: one parameter count, four points spread sideways.
    BufferedImage same =
        decode(
            ParameterCharts.accuracyVsParameters(
                "acc",
                List.of(
                    new ParameterCharts.Point("a", 7_900, 99.16),
                    new ParameterCharts.Point("b", 7_900, 99.52),
                    new ParameterCharts.Point("c", 7_900, 99.45),
                    new ParameterCharts.Point("d", 7_900, 99.45))));
    assertThat(hasSeveralColours(same)).isTrue();
  }
}
