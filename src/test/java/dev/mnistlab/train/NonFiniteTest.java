package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import dev.mnistlab.SyntheticData;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.data.BatchLoader;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a non-finite batch is called: an engine fault when the figures feeding it were ordinary (a
 * lower learning rate would not help), divergence when the weights had grown.
 */
class NonFiniteTest {
  private static final String WHERE = "at epoch 1, batch 2 (no epoch completed, so no checkpoint)";

  @BeforeAll
  static void startEngine() {
    Engines.start(1);
  }

  private static BatchLoader.Batch batch() {
    float[] pixels = new float[8 * 784];
    Arrays.fill(pixels, 0.5f);
    return new BatchLoader.Batch(pixels, new long[8], 8);
  }

  /** A test given the tiny network after one finite training step, and its trainer. */
  private interface AfterOneStep {
    void test(ModelSpec spec, Model model, Trainer trainer);
  }

  private static void afterOneStep(AfterOneStep test) {
    ModelSpec spec = ModelSpecParser.parse(SyntheticData.TINY_MODEL, "tiny.yaml");
    try (Model model = Model.newInstance("tiny", Device.cpu())) {
      model.setBlock(BlockFactory.build(spec));
      try (Trainer trainer =
          TrainingLoop.newTrainer(
              model, spec, TorchOptimizer.of(TrainConfig.defaults().optimizer()))) {
        assertThat(TrainingLoop.trainBatch(trainer, spec, batch(), 0).finite()).isTrue();
        test.test(spec, model, trainer);
      }
    }
  }

  @Test
  void aNonFiniteGradientFromOrdinaryWeightsIsAnEngineFaultNamingTheLayer() {
    afterOneStep(
        (spec, model, trainer) -> {
          TrainingDivergedException fault =
              NonFinite.diagnose(
                  trainer,
                  spec,
                  batch(),
                  new TrainingLoop.BatchOutcome(2.3, 0, "layer 4 (Conv2d)"),
                  WHERE);
          assertThat(fault.engineFault()).isTrue();
          assertThat(fault)
              .hasMessage(
                  "the engine computed a NaN or infinite gradient from a finite loss (2.3); the first"
                      + " non-finite gradient going backward was layer 4 (Conv2d)'s (the fault is in"
                      + " that layer or in the backward pass of a layer after it) "
                      + WHERE
                      + ": an engine fault, not divergence (a lower learning rate would not help);"
                      + " run ./mnistlab doctor to check this machine's kernels");

          // Weights grown past any ordinary size: the same loss is divergence.
          for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
            p.getValue().getArray().muli(1e7f);
          }
          TrainingDivergedException diverged =
              NonFinite.diagnose(
                  trainer,
                  spec,
                  batch(),
                  new TrainingLoop.BatchOutcome(Double.NaN, 0, null),
                  WHERE);
          assertThat(diverged.engineFault()).isFalse();
          assertThat(diverged)
              .hasMessage(
                  "training diverged: loss is NaN " + WHERE + " (try a lower learning rate)");
        });
  }

  @Test
  void aNaNInARealGradientIsFoundAndNamedByItsLayer() {
    afterOneStep(
        (spec, model, trainer) -> {
          assertThat(NonFinite.lastNonFiniteGradient(model.getBlock())).isNull();
          Pair<String, Parameter> first = model.getBlock().getParameters().get(0);
          try (NDArray gradient = first.getValue().getArray().getGradient()) {
            gradient.set(new NDIndex("0"), Float.NaN); // in place: the wrapper shares the storage
          }
          assertThat(NonFinite.lastNonFiniteGradient(model.getBlock()))
              .isEqualTo(NonFinite.layerOf(first.getKey()))
              .startsWith("layer 1 (");
        });
  }

  @Test
  void layersAreNamedByTheirPlaceAndType() {
    assertThat(NonFinite.layerOf("05Conv2d_weight")).isEqualTo("layer 5 (Conv2d)");
    assertThat(NonFinite.layerOf("12BatchNorm_gamma")).isEqualTo("layer 12 (BatchNorm)");
    assertThat(NonFinite.layerOf("weight")).isEqualTo("layer weight");
  }
}
