package dev.mnistlab.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.engine.Engines;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {
  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  private static ModelSpec spec(String layers) {
    return ModelSpecParser.parse("name: t\ninput: [1, 28, 28]\nlayers:\n" + layers, "t.yaml");
  }

  @Test
  void receptiveFieldFollowsTheRecurrenceWithDilationAndStride() {
    // r: 1 → conv3 → 3 → conv3 dil 2 (k_eff 5) → 7 → maxpool 2 (j 1→2) → 8 → conv3 → 12.
    ModelSummary s =
        ModelSummary.of(
            spec(
                "  - conv: {out: 4, kernel: 3}\n"
                    + "  - conv: {out: 4, kernel: 3, dilation: 2}\n"
                    + "  - maxpool: 2\n"
                    + "  - conv: {out: 10, kernel: 3}\n"
                    + "  - conv: {out: 10, kernel: 1, stride: 2}\n"
                    + "  - gap\n"));
    List<ModelSummary.Row> rows = s.rows();
    assertThat(rows)
        .extracting(ModelSummary.Row::receptiveField)
        .containsExactly(1, 3, 7, 8, 12, 12, 12 + (5 - 1) * 4);
    assertThat(rows).extracting(ModelSummary.Row::jump).containsExactly(1, 1, 1, 2, 2, 4, 20);
    // Shapes: 26, 22, 11, 9, 5 (1×1 stride 2 on 9: floor(8/2)+1), GAP.
    assertThat(rows)
        .extracting(ModelSummary.Row::output)
        .containsExactly("1×28×28", "4×26×26", "4×22×22", "4×11×11", "10×9×9", "10×5×5", "10×1×1");
    assertThat(s.warnings()).isEmpty();
    // MACs: 26²·4·9 + 22²·4·4·9 + 9²·10·4·9 + 5²·10·10·1.
    assertThat(s.macs()).isEqualTo(26 * 26 * 36 + 22 * 22 * 144 + 81 * 360 + 25 * 100);
  }

  @Test
  void warnsWhenTheReceptiveFieldIsSmallerThanTheImage() {
    ModelSummary s =
        ModelSummary.of(spec("  - conv: {out: 10, kernel: 3, stride: 28, padding: 1}\n"));
    assertThat(s.receptiveField()).isEqualTo(3);
    assertThat(s.warnings())
        .containsExactly("the final receptive field (3 px) is smaller than the 28×28 image");
  }

  @Test
  void perLayerParametersAddUpAndMatchHandCounts() {
    // cbr 1→8: 72 + 16 (+16 running); se 8 (r 4 → 2): 8·2+2 + 2·8+8 = 42; conv 8→10 1×1: 80+10.
    ModelSummary s =
        ModelSummary.of(
            spec(
                "  - cbr: {out: 8, kernel: 3, dropout: 0.1}\n  - se: {reduction: 4}\n"
                    + "  - conv: {out: 10, kernel: 1}\n  - gap\n  - softmax\n"));
    assertThat(s.rows())
        .extracting(ModelSummary.Row::layer)
        .containsExactly(
            "input",
            "conv 3×3 1→8 no bias",
            "batchnorm",
            "relu",
            "dropout 0.1",
            "se 8→2→8",
            "conv 1×1 8→10",
            "gap",
            "softmax");
    assertThat(s.rows())
        .extracting(ModelSummary.Row::trainableParams)
        .containsExactly(0L, 72L, 16L, 0L, 0L, 42L, 90L, 0L, 0L);
    assertThat(s.trainableParams()).isEqualTo(72 + 16 + 42 + 90);
    assertThat(s.nonTrainableParams()).isEqualTo(16);
    assertThat(s.rows().stream().mapToLong(ModelSummary.Row::trainableParams).sum())
        .isEqualTo(s.trainableParams());
    assertThat(s.toMarkdown()).contains("| 5 | se 8→2→8 | 8×26×26 | 42 | 0 |");
  }

  @Test
  void depthwiseConvsCountOneFilterPerChannel() {
    // cbr 1→8: 72 + 16; depthwise 8: 8·9 + 16; pointwise 8→16: 128 + 32; conv 16→10 in 2 groups:
    // 10·8·9 = 720.
    ModelSummary s =
        ModelSummary.of(
            spec(
                "  - cbr: {out: 8}\n  - cbr: {out: 8, groups: 8}\n  - cbr: {out: 16, kernel: 1}\n"
                    + "  - conv: {out: 10, kernel: 3, groups: 2, bias: false}\n  - gap\n"));
    assertThat(s.rows())
        .extracting(ModelSummary.Row::layer)
        .contains("conv 3×3 8→8 depthwise no bias", "conv 3×3 16→10 groups 2 no bias");
    assertThat(s.trainableParams()).isEqualTo(72 + 16 + 72 + 16 + 128 + 32 + 720);
    // MACs: each output value sums over its group's inputs only.
    assertThat(s.rows().get(4).macs()).isEqualTo(8L * 24 * 24 * 9);
    assertThat(s.rows().get(10).macs()).isEqualTo(10L * 22 * 22 * 8 * 9);
    // The long depthwise description widens the layer column instead of shifting its row.
    List<String> lines = s.toText().lines().toList();
    int outputColumn = lines.get(1).indexOf("output");
    assertThat(lines.get(2 + 4)).contains("depthwise");
    assertThat(lines.get(2 + 4).indexOf("8×24×24")).isEqualTo(outputColumn);
    assertThat(lines.get(2).indexOf("1×28×28")).isEqualTo(outputColumn);
  }
}
