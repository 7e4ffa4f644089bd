package dev.mnistlab.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.engine.Engines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trainable counts must equal PyTorch's {@code sum(p.numel() for p in model.parameters())}; the
 * expected figures are worked out by hand in each test.
 */
class ParameterCountTest {
  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  private static ParameterCount count(String layers) {
    return ParameterCount.of(
        ModelSpecParser.parse("name: t\ninput: [1, 28, 28]\nlayers:\n" + layers, "t.yaml"));
  }

  @Test
  void convWithBiasCountsWeightsAndBiases() {
    // conv 1→10 3×3 with bias: 10·1·3·3 + 10 = 100; 28 → 26, then GAP to 10×1×1.
    assertThat(count("  - conv: {out: 10, kernel: 3}\n  - gap\n"))
        .isEqualTo(new ParameterCount(100, 0));
  }

  @Test
  void batchNormRunningStatisticsAreNotTrainable() {
    // conv 1→8 no bias: 72; BN(8): γ, β = 16 trainable, running mean/var = 16 not;
    // conv 8→10 1×1 no bias: 80.
    assertThat(
            count(
                "  - conv: {out: 8, kernel: 3, bias: false}\n  - batchnorm\n  - relu\n"
                    + "  - conv: {out: 10, kernel: 1, bias: false}\n  - gap\n"))
        .isEqualTo(new ParameterCount(72 + 16 + 80, 16));
  }

  @Test
  void linearLayersAfterFlatten() {
    // conv 1→4 5×5 stride 2 with bias: 100 + 4 = 104; 28 → 12; maxpool 2 → 6; flatten 144;
    // linear 144→32: 4608 + 32; linear 32→10 without bias: 320.
    assertThat(
            count(
                "  - conv: {out: 4, kernel: 5, stride: 2}\n  - maxpool: 2\n  - flatten\n"
                    + "  - linear: 32\n  - relu\n  - dropout: 0.1\n  - linear: {units: 10, bias: false}\n"))
        .isEqualTo(new ParameterCount(104 + 4608 + 32 + 320, 0));
  }

  @Test
  void dilationAndPaddingChangeShapesNotCounts() {
    // conv 1→6 3×3 dilation 2 padding 2 no bias: 54; BN 12 (+12); conv 6→10 3×3 no bias: 540.
    assertThat(
            count(
                "  - conv: {out: 6, kernel: 3, dilation: 2, padding: 2, bias: false}\n  - bn\n"
                    + "  - conv: {out: 10, kernel: 3, bias: false}\n  - avgpool: 2\n  - gap\n"))
        .isEqualTo(new ParameterCount(54 + 12 + 540, 12));
  }

  @Test
  void theDefaultModelStaysUnderEightThousand() {
    // Convs: 72 + 720 + 1440 + 128 + 864 + 1728 + 2592 + 180 = 7724;
    // BN over 8+10+16+8+12+16+18 = 88 channels: 176 trainable, 176 running statistics.
    ParameterCount count = ParameterCount.of(ModelZoo.resolve(ModelZoo.DEFAULT_MODEL));
    assertThat(count).isEqualTo(new ParameterCount(7900, 176));
    assertThat(count.trainable()).isLessThan(8000);
  }
}
