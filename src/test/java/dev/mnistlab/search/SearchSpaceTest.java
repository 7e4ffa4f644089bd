package dev.mnistlab.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ParameterCount;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SearchSpaceTest {
  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  @Test
  void theShippedSpaceDrawsDistinctCandidatesInsideTheBudgetTheSameWayEveryTime() {
    SearchSpace space = SearchSpace.shipped();
    List<Candidate> drawn = CandidateSampler.sample(space, 5000, 24, 1);
    assertThat(drawn).hasSize(24);
    assertThat(new HashSet<>(drawn.stream().map(Candidate::name).toList())).hasSize(24);
    for (Candidate c : drawn) {
      assertThat(c.trainableParams()).isBetween(3000L, 5000L);
      ModelSpec spec = c.spec();
      // The name carries the count, and the count is the built network's.
      assertThat(c.name()).startsWith("p" + c.trainableParams() + "-");
      assertThat(ParameterCount.of(spec).trainable()).isEqualTo(c.trainableParams());
      assertThat(spec.name()).isEqualTo(c.name());
    }
    assertThat(CandidateSampler.sample(space, 5000, 24, 1)).isEqualTo(drawn);
    assertThat(CandidateSampler.sample(space, 5000, 24, 2)).isNotEqualTo(drawn);
  }

  /** A space with one candidate of each kind: 8-8 → pool → 12-12, separable or not. */
  private static SearchSpace tinySpace(boolean separable) {
    return tinySpace("separable: [" + separable + "]\n");
  }

  /** The one-candidate space with {@code choices} (YAML fields) added. */
  private static SearchSpace tinySpace(String choices) {
    return SearchSpace.parse(
        """
        block1_convs: [2]
        block1_widths: [8]
        dilations: [1]
        transition_widths: [0]
        block2_convs: [2]
        block2_widths: [12]
        last_padding: [0]
        squeeze_excite: [0]
        dropout: [0]
        min_params_fraction: 0
        """
            + choices,
        "tiny.yaml");
  }

  @Test
  void aSmallSpaceRunsOutInsteadOfLoopingForever() {
    List<Candidate> drawn = CandidateSampler.sample(tinySpace(false), 100_000, 10, 1);
    assertThat(drawn).hasSize(1);
    assertThat(drawn.get(0).shape()).isEqualTo("8-8 → pool → 12-12 → gap-conv");
    // 8·9 + 8·8·9 + 8·12·9 + 12·12·9 + 12·10 weights, and 2·(8+8+12+12) BatchNorm parameters.
    assertThat(drawn.get(0).trainableParams()).isEqualTo(72 + 576 + 864 + 1296 + 120 + 80);
  }

  @Test
  void aSpaceFileIsCheckedFieldByField() {
    assertThatThrownBy(() -> SearchSpace.parse("block_widths: [8]\n", "s.yaml"))
        .hasMessageStartingWith("s.yaml: unknown field 'block_widths'");
    assertThatThrownBy(() -> SearchSpace.parse("block1_widths: [0, 8]\n", "s.yaml"))
        .hasMessage("s.yaml: block1_widths choices must lie in 1..256, got 0");
    assertThatThrownBy(() -> SearchSpace.parse("heads: [dense]\n", "s.yaml"))
        .hasMessageContaining("heads must list some of gap-conv, conv-gap, got [dense]");
    // A value of the wrong type names the field and the value, not Jackson's Java types.
    assertThatThrownBy(() -> SearchSpace.parse("linear_depthwise: [maybe]\n", "s.yaml"))
        .hasMessage("s.yaml: field 'linear_depthwise[0]' must be true or false, got \"maybe\"");
    assertThatThrownBy(() -> SearchSpace.parse("block1_widths: [8, wide]\n", "s.yaml"))
        .hasMessage("s.yaml: field 'block1_widths[1]' must be a whole number, got \"wide\"");
    assertThatThrownBy(() -> SearchSpace.parse("separable: [~]\n", "s.yaml"))
        .hasMessage("s.yaml: separable must list false, true or both");
    assertThatThrownBy(() -> SearchSpace.parse("block2_widths: [8, ~]\n", "s.yaml"))
        .hasMessage("s.yaml: block2_widths must list at least one choice, and no empty one");
    assertThatThrownBy(() -> SearchSpace.parse("block1_convs: [2.5]\n", "s.yaml"))
        .hasMessageStartingWith("s.yaml:");
  }

  @Test
  void aSeparableCandidateTurnsEvery3x3ConvButTheFirstIntoADepthwiseAndA1x1Conv() {
    List<Candidate> drawn = CandidateSampler.sample(tinySpace(true), 100_000, 10, 1);
    assertThat(drawn).hasSize(1);
    assertThat(drawn.get(0).shape()).isEqualTo("sep 8-8 → pool → 12-12 → gap-conv");
    assertThat(drawn.get(0).specText())
        .contains("conv: {out: 8, kernel: 3, groups: 8, bias: false}")
        .contains("conv: {out: 12, kernel: 3, groups: 12, bias: false}");
    // conv 1→8: 72 + 16; depthwise 8: 72 + 16, 1×1 8→8: 64 + 16; depthwise 8: 72 + 16, 1×1 8→12:
    // 96 + 24; depthwise 12: 108 + 24, 1×1 12→12: 144 + 24; head 12→10: 120.
    assertThat(drawn.get(0).trainableParams()).isEqualTo(88 + 88 + 80 + 88 + 120 + 132 + 168 + 120);
  }

  @Test
  void aLinearDepthwiseConvHasNoBatchNormOrReluBeforeIts1x1Conv() {
    List<Candidate> drawn =
        CandidateSampler.sample(
            tinySpace("separable: [true]\nlinear_depthwise: [true]\n"), 100_000, 10, 1);
    assertThat(drawn).hasSize(1);
    assertThat(drawn.get(0).shape()).isEqualTo("sep-linear 8-8 → pool → 12-12 → gap-conv");
    assertThat(drawn.get(0).specText())
        .contains(
            "conv: {out: 8, kernel: 3, groups: 8, bias: false}\n  - conv: {out: 8, kernel: 1,",
            "conv: {out: 12, kernel: 3, groups: 12, bias: false}\n  - conv: {out: 12, kernel: 1,");
    // The separable candidate above less the BatchNorm of its three depthwise convs, 2·(8+8+12).
    assertThat(drawn.get(0).trainableParams()).isEqualTo(884 - 56);
    // Only separable candidates draw it: a full conv has no depthwise conv to leave linear.
    assertThat(
            CandidateSampler.sample(
                    tinySpace("separable: [false]\nlinear_depthwise: [true]\n"), 100_000, 10, 1)
                .get(0)
                .shape())
        .isEqualTo("8-8 → pool → 12-12 → gap-conv");
    assertThatThrownBy(() -> SearchSpace.parse("linear_depthwise: []\n", "s.yaml"))
        .hasMessage("s.yaml: linear_depthwise must list false, true or both");
  }

  /** What a kept search space (a test resource under search/) draws with search seed 1. */
  private static List<Candidate> drawnBy(String space, long budget, int count) throws Exception {
    java.nio.file.Path file =
        java.nio.file.Path.of(SearchSpaceTest.class.getResource("/search/" + space).toURI());
    return CandidateSampler.sample(SearchSpace.load(file), budget, count, 1);
  }

  /** Checks that a kept search space still draws exactly {@code names}, as many as it did. */
  private static void assertStillDraws(String space, long budget, String... names)
      throws Exception {
    assertThat(drawnBy(space, budget, names.length))
        .extracting(Candidate::name)
        .containsExactlyInAnyOrder(names);
  }

  /**
   * The space docs/reports/search-5000 was searched with, kept as it was: it must keep drawing the
   * same 16 candidates, so that search can be repeated after the space grew.
   */
  @Test
  void theFirstSearchsSpaceStillDrawsItsCandidates() throws Exception {
    assertStillDraws(
        "space-search-5000.yaml",
        5000,
        "p4954-3ee118d7",
        "p3748-6f7d541b",
        "p3506-fcce768a",
        "p3748-8e5ac0a0",
        "p4248-c26aa353",
        "p4148-832026b0",
        "p3496-0da85646",
        "p4094-1cbd1901",
        "p4256-46ae1d30",
        "p4326-4c95d9da",
        "p4688-4313fdc2",
        "p3408-1b2466dd",
        "p3384-95fbf7d0",
        "p3150-9a856352",
        "p3452-e0f8013c",
        "p4320-024dfe9b");
  }

  /**
   * The record under 5,000 parameters is what a search drew, with its dropout removed: the search
   * of docs/RESULTS.md (its space kept as a fixture, 6 candidates, seed 1) still draws the
   * candidate, and the zoo entry is its network without the dropout layers.
   */
  @Test
  void theRecordIsTheSearchsCandidateWithoutDropout() throws Exception {
    Candidate found =
        drawnBy("space-separable-5000.yaml", 5000, 6).stream()
            .filter(c -> c.name().equals("p4714-33c1e231"))
            .findFirst()
            .orElseThrow();
    List<dev.mnistlab.model.LayerSpec> withoutDropout =
        found.spec().layers().stream()
            .filter(l -> !(l instanceof dev.mnistlab.model.LayerSpec.Dropout))
            .toList();
    assertThat(withoutDropout).hasSizeLessThan(found.spec().layers().size());
    assertThat(dev.mnistlab.model.ModelZoo.resolve("mnistlab/record-5k").layers())
        .isEqualTo(withoutDropout);
  }

  @Test
  void aLastWidthMayBeNarrowerThanTheConvsBeforeIt() {
    List<Candidate> drawn =
        CandidateSampler.sample(
            tinySpace("separable: [false]\nlast_widths: [6]\n"), 100_000, 10, 1);
    assertThat(drawn).hasSize(1);
    assertThat(drawn.get(0).shape()).isEqualTo("8-8 → pool → 12-6 → gap-conv");
    // 8·9 + 8·8·9 + 8·12·9 + 12·6·9 + 6·10 weights, and 2·(8+8+12+6) BatchNorm parameters.
    assertThat(drawn.get(0).trainableParams()).isEqualTo(72 + 576 + 864 + 648 + 60 + 68);
    // With a choice, the last width is drawn: both appear, and 0 keeps it among the others.
    assertThat(
            CandidateSampler.sample(
                    tinySpace("separable: [false]\nlast_widths: [0, 6]\n"), 100_000, 10, 1)
                .stream()
                .map(Candidate::shape))
        .containsExactlyInAnyOrder("8-8 → pool → 12-12 → gap-conv", "8-8 → pool → 12-6 → gap-conv");
    assertThatThrownBy(() -> SearchSpace.parse("last_widths: [-1]\n", "s.yaml"))
        .hasMessage("s.yaml: last_widths choices must lie in 0..256, got -1");
  }

  /**
   * mnistlab/record-4k was made by hand from record-5k; its one change of shape, a narrower last
   * conv, is a choice of the space, so a search can propose it: a space narrowed to its widths
   * draws the zoo's network.
   */
  @Test
  void theSpaceHoldsTheRecordUnder4000() throws Exception {
    Candidate record =
        drawnBy("space-record-4k.yaml", 4000, 10).stream()
            .filter(
                c -> c.shape().equals("sep-linear 12-24-24 d2 → pool → 10-24-24-16p1 → gap-conv"))
            .findFirst()
            .orElseThrow();
    assertThat(record.trainableParams()).isEqualTo(3902);
    assertThat(record.spec().layers())
        .isEqualTo(dev.mnistlab.model.ModelZoo.resolve("mnistlab/record-4k").layers());
  }

  /**
   * The space of docs/reports/search-lin-4000, kept as it was: adding last_widths must not change
   * what it draws, so that search can be repeated.
   */
  @Test
  void theLinearSearchUnder4000StillDrawsItsCandidates() throws Exception {
    assertStillDraws(
        "space-linear-4000.yaml",
        4000,
        "p3608-da46dce7",
        "p3650-ae598f42",
        "p3672-28e8a368",
        "p3756-0d46ad0d",
        "p3756-7bdc67cd",
        "p3770-a48f14bc",
        "p3868-96a212f3",
        "p3904-eeee62f5",
        "p3958-e31f5e78",
        "p4000-c6d077a8");
  }

  /**
   * The space of docs/reports/search-lastw-4000, the first searched with a narrower last conv: it
   * must keep drawing its 12 candidates (6 of them with a last conv of 12 or 16 channels).
   */
  @Test
  void theSearchWithANarrowerLastConvStillDrawsItsCandidates() throws Exception {
    assertStillDraws(
        "space-lastw-4000.yaml",
        4000,
        "p3668-b031e495",
        "p3668-ddb306a3",
        "p3792-d626aee4",
        "p3816-8a325841",
        "p3830-e57124c6",
        "p3846-41cf7f20",
        "p3864-0feb59d2",
        "p3890-e9adc4fc",
        "p3900-2c4c90e1",
        "p3914-a6810f34",
        "p3970-a6fa1678",
        "p3972-7ad76f3c");
    assertThat(drawnBy("space-lastw-4000.yaml", 4000, 12))
        .filteredOn(c -> c.shape().matches(".*pool → (t\\d+ → )?[0-9-]*-(12|16)(p1)? →.*"))
        .extracting(Candidate::name)
        .containsExactlyInAnyOrder(
            "p3914-a6810f34",
            "p3900-2c4c90e1",
            "p3970-a6fa1678",
            "p3668-ddb306a3",
            "p3792-d626aee4",
            "p3816-8a325841");
  }
}
