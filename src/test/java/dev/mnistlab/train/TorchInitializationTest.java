package dev.mnistlab.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import dev.mnistlab.config.TrainConfig;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelSpecParser;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A new network starts as PyTorch's would: every conv and linear weight and bias drawn from
 * U(±1/sqrt(fan_in)) (DJL's own default leaves biases at zero).
 */
class TorchInitializationTest {
  @Test
  void weightsAndBiasesFillPyTorchsDefaultRange() {
    ModelSpec spec =
        ModelSpecParser.parse(
            "name: t\ninput: [1, 28, 28]\nlayers:\n"
                + "  - conv: {out: 16, kernel: 3}\n" // fan_in 1·3·3 = 9
                + "  - relu\n"
                + "  - conv: {out: 12, kernel: 3}\n" // fan_in 16·3·3 = 144
                + "  - se: {reduction: 4}\n" // 12 → 3 (fan_in 12) → 12 (fan_in 3)
                + "  - gap\n  - flatten\n"
                + "  - linear: 10\n", // fan_in 12
            "t.yaml");
    Map<String, Double> bounds = new LinkedHashMap<>();
    try (Engines.Lease engine = Engines.claim("test");
        Model model = Model.newInstance("t", ai.djl.Device.cpu())) {
      Engines.seed(engine, 1);
      model.setBlock(BlockFactory.build(spec));
      TrainConfig.Optimizer sgd = new TrainConfig.Optimizer("sgd", 0.01, 0.9, 0);
      try (Trainer trainer = TrainingLoop.newTrainer(model, spec, TorchOptimizer.of(sgd))) {
        double[] fanIns = {9, 9, 144, 144, 12, 12, 3, 3, 12, 12};
        int i = 0;
        for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
          NDArray values = p.getValue().getArray();
          double bound = 1 / Math.sqrt(fanIns[i++]);
          double largest = values.abs().max().getFloat();
          bounds.put(p.getKey(), largest / bound);
          assertThat(largest).as(p.getKey()).isLessThanOrEqualTo(bound);
        }
        assertThat(i).isEqualTo(fanIns.length);
      }
    }
    // Every tensor, biases included, spreads over most of its range: none is left at zero.
    assertThat(bounds.values()).allSatisfy(ratio -> assertThat(ratio).isGreaterThan(0.5));
  }
}
