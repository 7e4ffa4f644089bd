package dev.mnistlab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mnistlab.engine.EngineCheck.Direction;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine self-check: its reference is right, it passes the kernels that are right on this
 * machine, and it catches a fault in any direction (simulated, since this machine's kernels may be
 * right) and chooses a backend that avoids it.
 */
class EngineCheckTest {
  private static NativeSwitches switches;

  @BeforeAll
  static void startEngine() throws NativeSwitches.UnavailableException {
    Engines.start(1);
    switches = NativeSwitches.bind();
  }

  @Test
  void theReferenceComputesAHandWorkedConvolution() {
    // One 3x3 image 1..9, one 2x2 kernel of ones, bias 0.5: each output sums a 2x2 window.
    ConvCase c = new ConvCase("hand", 1, 1, 1, 3, 2, 1, 0, 1, 1, true);
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] w = {1, 1, 1, 1};
    float[] gy = {1, 0, 0, 1};
    ReferenceConvolution.Result r = ReferenceConvolution.compute(c, x, w, new float[] {0.5f}, gy);
    assertThat(r.output()).containsExactly(12.5, 16.5, 24.5, 28.5);
    // The gradient of the input spreads gy through the windows that cover each pixel.
    assertThat(r.inputGradient()).containsExactly(1, 1, 0, 1, 2, 1, 0, 1, 1);
    // The weights' gradient: x's windows at outputs 0 and 3, summed.
    assertThat(r.weightGradient()).containsExactly(1 + 5, 2 + 6, 4 + 8, 5 + 9);
    assertThat(r.biasGradient()).containsExactly(2);
  }

  @Test
  void theReferenceGradientsAreTheAdjointsOfItsForwardPassForEveryCase() {
    // For a linear map y = conv(x, w): <y, gy> = <x, dx> = <w, dw>, whatever the stride,
    // padding, dilation or groups; a wrong index in any of the three loops breaks it.
    for (ConvCase c : ConvCase.ALL) {
      ConvCase small =
          new ConvCase(
              c.name(),
              2,
              c.in(),
              c.out(),
              c.size(),
              c.kernel(),
              c.stride(),
              c.padding(),
              c.dilation(),
              c.groups(),
              c.bias());
      Random random = new Random(7);
      float[] x = random(random, small.batch() * small.in() * small.size() * small.size());
      float[] w =
          random(
              random,
              small.out() * (small.in() / small.groups()) * small.kernel() * small.kernel());
      int o = small.outputSize();
      float[] gy = random(random, small.batch() * small.out() * o * o);
      var r = ReferenceConvolution.compute(small, x, w, new float[small.out()], gy);
      double yg = dot(r.output(), gy);
      assertThat(dot(r.inputGradient(), x)).as(c.name()).isCloseTo(yg, within(yg));
      assertThat(dot(r.weightGradient(), w)).as(c.name()).isCloseTo(yg, within(yg));
    }
  }

  @Test
  void theBackendChosenForThisMachinePassedAndLibtorchsOwnKernelsPassToo() {
    Convolutions.Choice choice = Convolutions.choose();
    EngineCheck.Report chosen = choice.reports().get(choice.reports().size() - 1);
    assertThat(chosen.backend()).isEqualTo(choice.backend());
    assertThat(chosen.passed()).as(chosen.failures().toString()).isTrue();
    assertThat(chosen.figures()).hasSize(ConvCase.ALL.size() * 3);
    EngineCheck.Report nativeKernels =
        EngineCheck.run(ConvBackend.NATIVE, switches::oneDnn, Set.of());
    assertThat(nativeKernels.passed()).as(nativeKernels.failures().toString()).isTrue();
    assertThat(nativeKernels.figures()).allSatisfy(f -> assertThat(f.maxError()).isLessThan(1e-5));
  }

  @Test
  void aWrongValueIsCaughtNotOnlyNaN() {
    ConvCase c = ConvCase.ALL.get(0);
    double[] want = {1, -2, 3};
    EngineCheck.Figure right =
        EngineCheck.compare(c, Direction.FORWARD, new float[] {1, -2, 3}, want);
    EngineCheck.Figure wrong =
        EngineCheck.compare(c, Direction.FORWARD, new float[] {1, -2, 3.01f}, want);
    EngineCheck.Figure nan =
        EngineCheck.compare(c, Direction.FORWARD, new float[] {1, Float.NaN, 3}, want);
    assertThat(right.passed()).isTrue();
    assertThat(wrong.passed()).isFalse();
    assertThat(wrong.describe()).isEqualTo("3x3 forward: max error 3.3e-03");
    assertThat(nan.passed()).isFalse();
    assertThat(nan.describe()).isEqualTo("3x3 forward: 1 NaN or infinite values");
  }

  @Test
  void aFaultInTheBackwardPassKeepsOneDnnForwardAndSendsGradientsToLibtorchsKernels() {
    for (Direction direction : Set.of(Direction.BACKWARD_DATA, Direction.BACKWARD_WEIGHTS)) {
      Convolutions.Choice choice = Convolutions.decide(null, Set.of(direction), switches);
      assertThat(choice.backend()).isEqualTo(ConvBackend.ONEDNN_FORWARD);
      assertThat(choice.reports().get(0).failedDirections()).contains(direction);
      assertThat(choice.describe())
          .startsWith("oneDNN forward, libtorch's own kernels backward (self-check: oneDNN's ")
          .contains(direction.label());
    }
  }

  @Test
  void aFaultInTheForwardPassTurnsOneDnnOffAltogether() {
    Convolutions.Choice choice =
        Convolutions.decide(null, Set.of(Direction.FORWARD, Direction.BACKWARD_DATA), switches);
    assertThat(choice.backend()).isEqualTo(ConvBackend.NATIVE);
    // oneDNN-forward is not even tried: its forward passes are the ones found wrong.
    assertThat(choice.reports())
        .extracting(EngineCheck.Report::backend)
        .containsExactly(ConvBackend.ONEDNN, ConvBackend.NATIVE);
    assertThat(choice.describe()).contains("forward and backward data wrong on this CPU");
  }

  @Test
  void aRequestedBackendThatFailsIsRefusedNamingTheFault() {
    assertThatThrownBy(
            () ->
                Convolutions.decide(ConvBackend.ONEDNN, Set.of(Direction.BACKWARD_DATA), switches))
        .isInstanceOf(Convolutions.EngineFaultException.class)
        .hasMessageStartingWith(
            "the engine computes convolutions wrongly on this CPU with onednn (")
        .hasMessageFindingMatch("backward data: \\d+ NaN or infinite values")
        .hasMessageEndingWith("(./mnistlab doctor shows the figures)");
    assertThat(ConvBackend.parse("Native")).isEqualTo(ConvBackend.NATIVE);
    assertThatThrownBy(() -> ConvBackend.parse("mkl"))
        .hasMessage("unknown convolution backend 'mkl' (known: onednn, onednn-forward, native)");
  }

  private static org.assertj.core.data.Offset<Double> within(double scale) {
    return org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(scale)));
  }

  private static float[] random(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextFloat() * 2 - 1;
    }
    return values;
  }

  private static double dot(double[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
