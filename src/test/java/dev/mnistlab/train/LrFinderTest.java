package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.Recipe;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The range test on synthetic data: rates grow geometrically and an explosion ends it. */
class LrFinderTest {
  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  @Test
  void ratesGrowGeometricallyAndTheTestStopsWhenTheLossExplodes() {
    ModelSpec spec = ModelSpecParser.parse(SyntheticData.TINY_MODEL, "tiny.yaml");
    TrainConfig config =
        TrainConfig.defaults().toBuilder().model("tiny").epochs(1).batchSize(16).threads(1).build();
    LrFinder.Result r =
        LrFinder.run(Recipe.of(config, spec), SyntheticData.bands(160), 1e-3, 1e8, 60);
    assertThat(r.lrs().get(0)).isEqualTo(1e-3);
    // A rate of 1e8 destroys any network, so the test must end before its last step.
    assertThat(r.lrs()).hasSizeLessThan(60).hasSizeGreaterThan(5);
    for (int i = 1; i < r.lrs().size(); i++) {
      assertThat(r.lrs().get(i) / r.lrs().get(i - 1))
          .isCloseTo(Math.pow(1e11, 1 / 59.0), org.assertj.core.api.Assertions.within(1e-9));
    }
    assertThat(r.losses()).allSatisfy(loss -> assertThat(loss).isFinite());
    assertThat(r.suggestedLr()).isEqualTo(r.minLossLr() / 10);
    assertThat(r.lrs()).contains(r.minLossLr());
    assertThatThrownBy(
            () -> LrFinder.run(Recipe.of(config, spec), SyntheticData.bands(16), 1, 0.1, 60))
        .hasMessage("the range must satisfy 0 < start < end, got 1 and 0.1");
  }
}
