package dev.mnistlab.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecParserTest {
  private static final String HEAD = "name: t\ninput: [1, 28, 28]\nlayers:\n";

  @Test
  void parsesKeywordsScalarsAndMaps() {
    ModelSpec spec =
        ModelSpecParser.parse(
            HEAD
                + "  - conv: {out: 4, kernel: 3, padding: 1, bias: false}\n"
                + "  - bn\n"
                + "  - relu\n"
                + "  - dropout: 0.1\n"
                + "  - maxpool: 2\n"
                + "  - gap\n"
                + "  - flatten\n"
                + "  - linear: 10\n"
                + "  - logsoftmax\n",
            "t.yaml");
    assertThat(spec.layers())
        .containsExactly(
            new LayerSpec.Conv(4, 3, 1, 1, 1, false),
            new LayerSpec.BatchNorm(),
            new LayerSpec.Relu(),
            new LayerSpec.Dropout(0.1),
            new LayerSpec.MaxPool(2, 2),
            new LayerSpec.Gap(),
            new LayerSpec.Flatten(),
            new LayerSpec.Linear(10, true),
            new LayerSpec.LogSoftmax());
    assertThat(spec.lines()).containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 12);
    assertThat(Shapes.infer(spec).get(4)).isEqualTo(ModelSpec.Shape3.of(4, 14, 14));
  }

  @Test
  void namesInAnyCaseAndPaddingSameAsPyTorchWritesThem() {
    ModelSpec spec =
        ModelSpecParser.parse(
            HEAD
                + "  - Conv: {out: 4, kernel: 5, padding: same, bias: false}\n"
                + "  - BatchNorm\n"
                + "  - Relu\n"
                + "  - conv: {out: 4, kernel: 3, dilation: 2, padding: Same}\n"
                + "  - conv: {out: 4, kernel: 3, padding: valid}\n"
                + "  - conv: {out: 10, kernel: 1}\n"
                + "  - gap\n",
            "t.yaml");
    assertThat(spec.layers().subList(0, 5))
        .containsExactly(
            new LayerSpec.Conv(4, 5, 1, 2, 1, false),
            new LayerSpec.BatchNorm(),
            new LayerSpec.Relu(),
            new LayerSpec.Conv(4, 3, 1, 2, 2, true, 1),
            new LayerSpec.Conv(4, 3, 1, 0, 1, true, 1));
    assertThatThrownBy(
            () ->
                ModelSpecParser.parse(
                    HEAD + "  - conv: {out: 4, kernel: 3, stride: 2, padding: same}\n", "s.yaml"))
        .hasMessage("s.yaml:4: conv padding same needs stride 1 (got stride 2)");
    assertThatThrownBy(
            () ->
                ModelSpecParser.parse(
                    HEAD + "  - conv: {out: 4, kernel: 2, padding: same}\n", "e.yaml"))
        .hasMessage("e.yaml:4: conv padding same needs an odd kernel (got 2); give a number");
  }

  @Test
  void aMistypedLayerOrFieldGetsDidYouMean() {
    assertThatThrownBy(() -> ModelSpecParser.parse(HEAD + "  - rleu\n", "t.yaml"))
        .hasMessageStartingWith("t.yaml:4: unknown layer 'rleu' (did you mean relu?)");
    assertThatThrownBy(
            () -> ModelSpecParser.parse(HEAD + "  - conv: {out: 8, kernal: 3}\n", "t.yaml"))
        .hasMessage("t.yaml:4: conv is missing field 'kernel' (is 'kernal' meant as kernel?)");
    assertThatThrownBy(
            () ->
                ModelSpecParser.parse(
                    HEAD + "  - conv: {out: 8, kernel: 3, bais: false}\n", "t.yaml"))
        .hasMessageStartingWith("t.yaml:4: conv has unknown field 'bais' (did you mean bias?)");
  }

  @Test
  void shorthandsRepeatsAndNamedBlocksExpandToPrimitiveLayers() {
    ModelSpec spec =
        ModelSpecParser.parse(
            "name: t\n"
                + "blocks:\n"
                + "  head:\n"
                + "    - gap\n"
                + "    - conv: {out: 10, kernel: 1}\n"
                + "layers:\n"
                + "  - repeat:\n"
                + "      times: 2\n"
                + "      layers:\n"
                + "        - cbr: {out: 8, dropout: 0.05}\n"
                + "  - block: head\n",
            "t.yaml");
    LayerSpec.Conv conv = new LayerSpec.Conv(8, 3, 1, 0, 1, false);
    assertThat(spec.layers())
        .containsExactly(
            conv,
            new LayerSpec.BatchNorm(),
            new LayerSpec.Relu(),
            new LayerSpec.Dropout(0.05),
            conv,
            new LayerSpec.BatchNorm(),
            new LayerSpec.Relu(),
            new LayerSpec.Dropout(0.05),
            new LayerSpec.Gap(),
            new LayerSpec.Conv(10, 1, 1, 0, 1, true));
    assertThat(spec.lines()).containsExactly(10, 10, 10, 10, 10, 10, 10, 10, 4, 5);
    assertThatThrownBy(() -> ModelSpecParser.parse("name: t\nlayers:\n  - block: nope\n", "b.yaml"))
        .hasMessageStartingWith("b.yaml:3: unknown block 'nope'");
    assertThatThrownBy(
            () ->
                ModelSpecParser.parse(
                    "name: t\nlayers:\n  - repeat: {times: 0, layers: [relu]}\n", "r.yaml"))
        .hasMessageStartingWith("r.yaml:3: repeat times 0 must be an integer of at least 1");
  }

  @Test
  void writerOutputParsesBackToTheSameSpec() {
    for (ModelSpec spec : ModelZoo.entries()) {
      ModelSpec again = ModelSpecParser.parse(ModelSpecWriter.toYaml(spec), "written");
      assertThat(again.layers()).isEqualTo(spec.layers());
      assertThat(again.name()).isEqualTo(spec.name());
      assertThat(again.description()).isEqualTo(spec.description());
    }
  }

  @Test
  void aRecipeIsKeptAsTextAndMustBeAMapWithoutAModel() {
    ModelSpec spec =
        ModelSpecParser.parse(
            "name: t\nrecipe:\n  epochs: 9\n  optimizer: {lr: 0.05}\nlayers:\n"
                + "  - conv: {out: 10, kernel: 28}\n",
            "t.yaml");
    assertThat(spec.hasRecipe()).isTrue();
    assertThat(spec.recipe()).isEqualTo("epochs: 9\noptimizer:\n  lr: 0.05\n");
    assertThat(
            ModelSpecParser.parse(HEAD + "  - conv: {out: 10, kernel: 28}\n", "m.yaml").hasRecipe())
        .isFalse();
    assertThatThrownBy(
            () ->
                ModelSpecParser.parse(
                    "name: t\nrecipe: fast\nlayers:\n  - conv: {out: 10, kernel: 28}\n", "r.yaml"))
        .hasMessageStartingWith("r.yaml:2: recipe must be a map of training configuration fields");
    assertThatThrownBy(
            () ->
                ModelSpecParser.parse(
                    "name: t\nrecipe: {model: x}\nlayers:\n  - conv: {out: 10, kernel: 28}\n",
                    "r.yaml"))
        .hasMessageStartingWith("r.yaml:2: recipe must not name a model");
  }

  @Test
  void errorsNameFileLineAndBadValue() {
    assertError("  - {}\n", "t.yaml:4: a layer is a keyword or a one-key map");
    assertError("  - relu\n  - swish\n", "t.yaml:5: unknown layer 'swish'");
    assertError("  - conv: {kernel: 3}\n", "t.yaml:4: conv is missing field 'out'");
    assertError("  - conv: {out: -8, kernel: 3}\n", "t.yaml:4: conv out -8 must be at least 1");
    assertError(
        "  - conv: {out: 8, kernel: 3, stride: 0}\n", "t.yaml:4: conv stride 0 must be at least 1");
    assertError("  - conv: {out: 8, kernal: 3}\n", "t.yaml:4: conv is missing field 'kernel'");
    assertError(
        "  - conv: {out: 8, kernel: 3, colour: red}\n",
        "t.yaml:4: conv has unknown field 'colour'");
    assertError("  - dropout: 1.5\n", "t.yaml:4: dropout p 1.5 must be in [0, 1)");
    assertError("  - relu: 3\n", "t.yaml:4: relu takes no value, got 3");
    assertError(
        "  - conv: {out: 8, kernel: 3}\n  - maxpool: 2\n  - conv: {out: 10, kernel: 15}\n",
        "t.yaml:6: conv with kernel 15 collapses the 8×13×13 input below 1×1");
    assertError(
        "  - conv: {out: 8, kernel: 3}\n  - gap\n", "t.yaml:5: the model ends with shape 8×1×1");
    assertError(
        "  - conv: {out: 10, kernel: 3}\n  - linear: 10\n",
        "t.yaml:5: linear needs a flat input but gets 10×26×26; add flatten before it");
  }

  @Test
  void topLevelProblemsAreReported() {
    assertThatThrownBy(() -> ModelSpecParser.parse("layers:\n  - gap\n", "a.yaml"))
        .hasMessage("a.yaml:1: missing field 'name'");
    assertThatThrownBy(() -> ModelSpecParser.parse("name: x\nlayerz: []\n", "a.yaml"))
        .hasMessageStartingWith("a.yaml:2: unknown field 'layerz'");
    assertThatThrownBy(
            () -> ModelSpecParser.parse("name: x\ninput: [1, 0, 28]\nlayers: [gap]\n", "a.yaml"))
        .hasMessage("a.yaml:2: input dimension 0 must be a positive integer");
    assertThatThrownBy(() -> ModelSpecParser.parse("name: [unclosed\n", "a.yaml"))
        .hasMessageStartingWith("a.yaml:")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void unknownZooNameListsTheKnownOnes() {
    assertThatThrownBy(() -> ModelZoo.resolve("resnet50"))
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("resnet50: unknown model")
        .hasMessageContaining(ModelZoo.DEFAULT_MODEL);
    assertThatThrownBy(() -> ModelZoo.resolve("missing.yaml"))
        .hasMessage("missing.yaml: no such model spec file");
    assertThat(ModelZoo.resolve(ModelZoo.DEFAULT_MODEL).name()).isEqualTo(ModelZoo.DEFAULT_MODEL);
    assertThat(List.copyOf(ModelZoo.entries())).isNotEmpty();
  }

  private static void assertError(String layers, String expectedStart) {
    var thrown =
        assertThatThrownBy(() -> ModelSpecParser.parse(HEAD + layers, "t.yaml"))
            .isInstanceOf(SpecException.class);
    if (expectedStart != null) {
      thrown.hasMessageStartingWith(expectedStart);
    }
  }

  @Test
  void groupsAreReadWrittenOnlyWhenNotOneAndMustDivideTheChannels() {
    ModelSpec spec =
        ModelSpecParser.parse(
            HEAD
                + "  - conv: {out: 8, kernel: 3}\n"
                + "  - cbr: {out: 8, groups: 8}\n"
                + "  - conv: {out: 10, kernel: 1, groups: 2}\n"
                + "  - gap\n",
            "t.yaml");
    assertThat(spec.layers().get(0)).isEqualTo(new LayerSpec.Conv(8, 3, 1, 0, 1, true, 1));
    assertThat(spec.layers().get(1)).isEqualTo(new LayerSpec.Conv(8, 3, 1, 0, 1, false, 8));
    assertThat(spec.layers().get(4)).isEqualTo(new LayerSpec.Conv(10, 1, 1, 0, 1, true, 2));
    String written = ModelSpecWriter.toYaml(spec);
    assertThat(written).contains("groups: 8").contains("groups: 2");
    assertThat(written.lines().filter(l -> l.contains("groups")).count()).isEqualTo(2);
    assertThat(ModelSpecParser.parse(written, "written").layers()).isEqualTo(spec.layers());

    assertThatThrownBy(
            () ->
                Shapes.infer(
                    ModelSpecParser.parse(
                        HEAD
                            + "  - conv: {out: 6, kernel: 3}\n  - conv: {out: 6, kernel: 3, groups: 4}\n",
                        "g.yaml")))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("g.yaml:5")
        .hasMessageContaining(
            "groups 4 needs input and output channels divisible by it, got 6 in and 6 out");
  }
}
