package dev.mnistlab.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.mnistlab.train.Engines;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every zoo entry builds, maps a 1×28×28 image to 10 outputs, and has exactly the trainable
 * parameter count in this table (each within 2% of the figure its seed system reports; the zoo
 * entry's description gives that figure).
 */
class ModelZooTest {
  static final Map<String, Long> TRAINABLE = new TreeMap<>();

  static {
    TRAINABLE.put("mnistlab/compact", 7_900L);
    // ZOO-TABLE
  }

  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  @Test
  void theTableCoversTheWholeZoo() {
    assertThat(ModelZoo.entries())
        .extracting(ModelSpec::name)
        .containsExactlyInAnyOrderElementsOf(TRAINABLE.keySet());
  }

  @Test
  void everyEntryBuildsAndGivesTenOutputsWithTheExpectedCount() {
    for (ModelSpec spec : ModelZoo.entries()) {
      try (Model model = Model.newInstance(spec.name())) {
        model.setBlock(BlockFactory.build(spec));
        model
            .getBlock()
            .initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, 28, 28));
        NDArray image = model.getNDManager().randomNormal(new Shape(2, 1, 28, 28));
        NDArray out =
            model
                .getBlock()
                .forward(new ParameterStore(model.getNDManager(), false), new NDList(image), false)
                .singletonOrThrow();
        assertThat(out.getShape()).as(spec.name()).isEqualTo(new Shape(2, 10));
        assertThat(ParameterCount.of(model.getBlock()).trainable())
            .as(spec.name())
            .isEqualTo(TRAINABLE.get(spec.name()));
      }
    }
  }

  @Test
  void namesMatchTheirFilesAndDescriptionsAreGiven() {
    for (ModelSpec spec : ModelZoo.entries()) {
      assertThat(spec.source()).isEqualTo("zoo/" + spec.name() + ".yaml");
      assertThat(spec.description()).as(spec.name()).isNotBlank();
    }
  }
}
