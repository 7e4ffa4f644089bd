package dev.mnistlab.export;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The int8 arithmetic of {@link Int8Net}: ONNX's QuantizeLinear semantics, exactly. */
class Int8NetTest {
  @Test
  void activationsAreUint8WithZeroExact() {
    Int8Net.Activation a = Int8Net.Activation.of(-1f, 3f);
    assertThat(a.scale()).isEqualTo(4f / 255f);
    assertThat(a.zeroPoint()).isEqualTo(64); // rint(1 / (4/255)) = rint(63.75)
    assertThat(a.quantize(0f)).isEqualTo(64);
    assertThat(a.fake(0f)).isZero();
    assertThat(a.quantize(100f)).isEqualTo(255);
    assertThat(a.quantize(-100f)).isZero();
    // ReLU outputs: the range starts at 0, so does the code.
    Int8Net.Activation relu = Int8Net.Activation.of(0f, 2.55f);
    assertThat(relu.zeroPoint()).isZero();
    assertThat(relu.quantize(0.015f)).isEqualTo(2); // 1.5 rounds half to even
    assertThat(relu.quantize(0.025f)).isEqualTo(2); // 2.5 too
  }

  @Test
  void weightsAreInt8PerOutputChannel() {
    float[] w = {0.5f, -1f, 0.25f, 0.021f, 0.01f, -0.04f};
    Int8Net.Weights q = Int8Net.Weights.of(w, 2);
    assertThat(q.scales()).containsExactly(1f / 127f, 0.04f / 127f);
    assertThat(q.q())
        .containsExactly((byte) 64, (byte) -127, (byte) 32, (byte) 67, (byte) 32, (byte) -127);
    float[] back = q.dequantized();
    for (int i = 0; i < w.length; i++) {
      assertThat(back[i])
          .isCloseTo(w[i], org.assertj.core.data.Offset.offset(q.scales()[i / 3] / 2));
    }
  }
}
