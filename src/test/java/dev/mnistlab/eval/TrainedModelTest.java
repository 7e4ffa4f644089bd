package dev.mnistlab.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.mnistlab.data.Dataset;
import dev.mnistlab.engine.Engines;
import dev.mnistlab.model.BlockFactory;
import dev.mnistlab.model.ModelSpec;
import dev.mnistlab.model.ModelZoo;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Inference runs ONNX Runtime only where it answers as the training engine does. */
class TrainedModelTest {
  private static final int IMAGES = 5;

  @BeforeAll
  static void engine() {
    Engines.start(1);
  }

  @AfterEach
  void clearProperties() {
    System.clearProperty("mnistlab.inference");
    System.clearProperty("mnistlab.inference.simulate");
  }

  /** A zoo network with freshly initialized weights. */
  private static TrainedModel untrained() {
    ModelSpec spec = ModelZoo.resolve("mnistlab/compact");
    Model model = Model.newInstance(spec.name(), Device.cpu());
    model.setBlock(BlockFactory.build(spec));
    ModelSpec.Shape3 in = spec.inputShape();
    model
        .getBlock()
        .initialize(
            model.getNDManager(),
            DataType.FLOAT32,
            new Shape(1, in.channels(), in.height(), in.width()));
    return new TrainedModel(spec, model, Dataset.MNIST.normalization());
  }

  private static float[] pixels() {
    Random random = new Random(3);
    float[] pixels = new float[IMAGES * 784];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat();
    }
    return pixels;
  }

  @Test
  void onnxRuntimeAnswersOnceItAgreesWithTheEngine() {
    try (TrainedModel trained = untrained()) {
      float[][] inferred = trained.logProbabilities(pixels(), IMAGES);
      float[][] engine = trained.engineLogProbabilities(pixels(), IMAGES);
      assertThat(trained.inference())
          .matches("ONNX Runtime \\d+\\.\\d+\\.\\d+ \\(checked against the training engine\\)");
      for (int i = 0; i < IMAGES; i++) {
        assertThat(inferred[i]).containsExactly(engine[i], offset(1e-4f));
      }
    }
  }

  @Test
  void aDisagreeingOnnxRuntimeLeavesInferenceToTheEngine() {
    System.setProperty("mnistlab.inference.simulate", "disagree");
    try (TrainedModel trained = untrained()) {
      float[][] inferred = trained.logProbabilities(pixels(), IMAGES);
      assertThat(trained.inference())
          .startsWith("the training engine (ONNX Runtime ")
          .contains("disagreed with the training engine on a check batch of 1: error ");
      // Bit for bit the engine's answer: the engine, not ONNX Runtime, computed it.
      float[][] engine = trained.engineLogProbabilities(pixels(), IMAGES);
      for (int i = 0; i < IMAGES; i++) {
        assertThat(inferred[i]).containsExactly(engine[i]);
      }
    }
  }

  @Test
  void theEngineCanBeAskedFor() {
    System.setProperty("mnistlab.inference", "Engine");
    try (TrainedModel trained = untrained()) {
      assertThat(trained.inference()).isEqualTo("the training engine (MNISTLAB_INFERENCE=engine)");
      assertThat(trained.logProbabilities(pixels(), IMAGES)[0])
          .containsExactly(trained.engineLogProbabilities(pixels(), IMAGES)[0]);
    }
  }

  @Test
  void aMisspeltEngineIsRefusedAtLoadNamingTheValue() {
    System.setProperty("mnistlab.inference", "onnx");
    ModelSpec spec = ModelZoo.resolve("mnistlab/compact");
    assertThatThrownBy(
            () -> TrainedModel.load(spec, Dataset.MNIST.normalization(), Path.of("nowhere"), "m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MNISTLAB_INFERENCE=onnx: expected onnxruntime or engine");
  }

  @Test
  void aClosedModelRefusesToAnswer() {
    TrainedModel trained = untrained();
    trained.logProbabilities(pixels(), IMAGES);
    trained.close();
    trained.close(); // twice is harmless
    assertThatThrownBy(() -> trained.logProbabilities(pixels(), IMAGES))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("this trained model is closed");
  }

  @Test
  void aBatchOfTheWrongSizeIsRefusedAlikeOnBothPaths() {
    try (TrainedModel trained = untrained()) {
      for (var path :
          List.<java.util.function.BiConsumer<float[], Integer>>of(
              trained::logProbabilities, trained::engineLogProbabilities)) {
        assertThatThrownBy(() -> path.accept(new float[783], 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("a batch of 1 needs 784 pixels (1×28×28 each), got 783");
        assertThatThrownBy(() -> path.accept(new float[0], 0))
            .hasMessage("a batch needs at least 1 image, got 0");
      }
    }
  }

  @Test
  void aClosedModelSaysSoEverywhere() {
    TrainedModel trained = untrained();
    trained.close();
    assertThatThrownBy(trained::inference).hasMessage("this trained model is closed");
    assertThatThrownBy(() -> trained.engineLogProbabilities(pixels(), IMAGES))
        .hasMessage("this trained model is closed");
  }

  @Test
  void errorsAreRelativeToOnePlusTheReferenceAndNanIsNeverWithinTolerance() {
    assertThat(TrainedModel.worstError(new float[] {-20.02f}, new float[] {-20f}))
        .isCloseTo(0.02 / 21, offset(1e-6));
    assertThat(TrainedModel.worstError(new float[] {0, Float.NaN}, new float[] {0, 0})).isNaN();
    assertThat(TrainedModel.worstError(new float[] {0}, new float[] {0, 0})).isNaN();
    assertThat(TrainedModel.worstError(new float[] {0.5f}, new float[] {0.5f})).isZero();
  }
}
